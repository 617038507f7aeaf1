import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MediaVariant } from '../../src/db/schema.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { s3TestCredentials, startS3Server } from '../_util/s3-server.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { settledOffset, tusClient } from '../_util/tus.js'
import { phoneClip } from '../_util/videos.js'
import { type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

/**
 * Issue 20 part 1 in cluster mode: with BACKLOT_MEDIA_STORE=s3 the bytes of a resumable upload wait
 * in the bucket (@tus/s3-store, a multipart upload), so an upload started on node A and cut off
 * halfway resumes on node B. Two nodes share one database and one bucket (s3rver on loopback).
 */
describe.each(testDatabases)('resumable uploads on S3 across two nodes (%s)', (kind) => {
  let s3: Awaited<ReturnType<typeof startS3Server>>
  let s3Client: S3Client
  let database: TestDatabase
  let nodeA: TestServer
  let nodeB: TestServer
  let w: PressWorld
  let skewMs = 0
  const prefix = `tus-${kind}/`

  beforeAll(async () => {
    s3 = await startS3Server(['media'])
    s3Client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3TestCredentials,
    })
    database = await createTestDatabase(kind)
    const env = {
      ...pressServerEnv,
      ...s3.nodeEnv('media'),
      BACKLOT_S3_KEY_PREFIX: prefix,
      BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50',
    }
    const overrides = { clock: { now: () => Date.now() + skewMs } }
    nodeA = await startTestServer(kind, { database, env, overrides })
    nodeB = await startTestServer(kind, { database, env, overrides })
    w = await seedPressWorld(nodeA)
  })
  afterAll(async () => {
    await nodeB?.destroy()
    await nodeA?.destroy()
    await database?.drop()
    s3Client?.destroy()
    await s3?.close()
  })

  /** Object keys in the bucket under the uploads' prefix (bytes waiting for their last chunk). */
  async function waitingObjects(): Promise<string[]> {
    const out = await s3Client.send(
      new ListObjectsV2Command({ Bucket: 'media', Prefix: `${prefix}resumable/` }),
    )
    return (out.Contents ?? []).map((o) => o.Key!)
  }

  it('resumes on node B an upload cut off at 50% on node A, and stores the renditions in the bucket', async () => {
    const clip = await phoneClip()
    const onA = tusClient(nodeA.url, w.accounts.creator.token)
    const onB = tusClient(nodeB.url, w.accounts.creator.token)
    const created = await onA.create('the-show', clip.length, { alt: 'Stunt rehearsal' })
    expect(created.status, created.body).toBe(201)
    const location = created.headers.location!
    const half = Math.floor(clip.length / 2)
    await onA.patchThenDrop(location, 0, clip.length, clip.subarray(0, half))

    expect(await settledOffset(() => onB.head(location))).toBe(half)
    const rest = await onB.patch(location, half, clip.subarray(half))
    expect(rest.status, rest.body).toBe(204)
    const mediaId = rest.headers['backlot-media-id'] as string
    expect(mediaId).toMatch(/^[0-9A-Z]{26}$/)
    // Node A agrees: the upload is done and became that media.
    expect((await onA.head(location)).headers['backlot-media-id']).toBe(mediaId)

    const row = await nodeA.ctx.db
      .selectFrom('media')
      .selectAll()
      .where('id', '=', mediaId)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'ready', mime: 'video/mp4', alt: 'Stunt rehearsal' })
    const variants = JSON.parse(row.variants) as MediaVariant[]
    expect(variants.map((v) => `${v.name}.${v.format}`)).toEqual(['480p.mp4', '320.webp', '320.jpeg'])
    for (const v of variants) expect(await nodeB.ctx.mediaStore.exists(v.key)).toBe(true)
    expect(await waitingObjects()).toEqual([])
  })

  it('deletes the bytes of an expired upload from the bucket', async () => {
    const onB = tusClient(nodeB.url, w.accounts.creator.token)
    const created = await onB.create('the-show', 50_000)
    const location = created.headers.location!
    const id = location.split('/').at(-1)!
    expect((await onB.patch(location, 0, Buffer.alloc(20_000, 3))).status).toBe(204)
    expect((await waitingObjects()).some((key) => key.includes(id))).toBe(true)
    skewMs = 25 * 3_600_000
    try {
      expect((await onB.head(location)).status).toBe(404)
      expect(await nodeA.ctx.resumableUploads.sweep()).toBeGreaterThanOrEqual(1)
      expect((await waitingObjects()).filter((key) => key.includes(id))).toEqual([])
    } finally {
      skewMs = 0
    }
  })
})
