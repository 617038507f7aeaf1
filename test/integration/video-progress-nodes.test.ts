import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { type SeededAccount, seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip, uploadAv } from '../_util/videos.js'

/**
 * Issue 20: processing progress reaches the studio whichever node it asks. The upload lands on one
 * node, which transcodes and writes its progress to the row; the other node, which has no work of
 * its own for the clip, answers `GET /api/v1/media/{id}` with that progress.
 */
describe.each(testDatabases)('video processing progress across two nodes (%s)', (kind) => {
  let database: TestDatabase
  let transcoder: TestServer
  let other: TestServer
  let creator: SeededAccount

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    const env = { BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0' }
    transcoder = await startTestServer(kind, { database, env })
    other = await startTestServer(kind, { database, env })
    creator = await seedAccount(transcoder.ctx, 'editor')
    await seedChannel(transcoder.ctx, creator.account, { slug: 'cutting-room' })
  })
  afterAll(async () => {
    await transcoder?.destroy()
    await other?.destroy()
    await database?.drop()
  })

  it('shows the transcoding node’s progress on the other node, then the finished clip', async () => {
    const res = await uploadAv(transcoder.url, creator.token, await plainClip(12, 640, 360))
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const id = res.body.id as string
    const seen: number[] = []
    let status = 'processing'
    const deadline = Date.now() + 120_000
    while (status === 'processing' && Date.now() < deadline) {
      const answer = await fetch(`${other.url}/api/v1/media/${id}`, {
        headers: { authorization: `Bearer ${creator.token}` },
      })
      const media = (await answer.json()) as { status: string; progress: number | null }
      status = media.status
      if (status === 'processing' && media.progress !== null) seen.push(media.progress)
      await new Promise((r) => setTimeout(r, 150))
    }
    expect(status).toBe('ready')
    // The other node never worked on it: what it showed came from the row.
    expect(other.ctx.media.progressOf(id)).toBeNull()
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every((p) => p >= 0 && p <= 1)).toBe(true)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    expect(Math.max(...seen)).toBeGreaterThan(0)
  })
})
