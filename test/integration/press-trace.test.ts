import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { traceLeak } from '../../src/production/index.js'
import { backlotArgs } from '../_util/backlot-command.js'
import { testDatabases } from '../_util/db.js'
import { photoLikeJpeg, uploadImage } from '../_util/images.js'
import { metadataFound } from '../_util/metadata.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { createPost, type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

const run = promisify(execFile)
const soon = (ms: number) => new Date(Date.now() + ms).toISOString()

/**
 * Issue 19 part 4 end to end: a press preview link is issued per recipient, the images it serves
 * carry that recipient's mark, and a leaked copy (re-saved, halved, cropped) traces back to the
 * link — not to another recipient's, and the unmarked stored file to no one.
 */
describe.each(testDatabases)('traced press previews (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
  })
  afterAll(() => server?.destroy())

  it('serves each recipient a marked copy that traces back to their link', async () => {
    const photo = await photoLikeJpeg(1400, 950, 5)
    const uploaded = await uploadImage(server.url, w.accounts.creator.token, photo, {
      alt: 'Stage 4 at dawn',
    })
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201)
    const mediaId = uploaded.body.id as string
    const post = await createPost(w.creator, 'the-show', {
      text: 'Finale first look',
      media: [{ id: mediaId }],
      publishAt: soon(3_600_000),
    })
    const previews = `/api/v1/channels/the-show/posts/${post.id}/previews`
    const issue = async (label: string, outlet: string, email?: string) => {
      const res = await w.owner.post(previews, { label, outlet, ...(email && { email }) })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return res.body
    }
    const variety = await issue('Ana Ruiz', 'Variety', 'ana@variety.example')
    const deadline = await issue('Bo Chen', 'Deadline')
    expect(variety).toMatchObject({ label: 'Ana Ruiz', outlet: 'Variety', email: 'ana@variety.example' })
    expect((await w.owner.post(previews, { email: 'not an address' })).status).toBe(422)

    const imageOf = async (link: { url: string }) => {
      const html = await (await fetch(link.url)).text()
      const path = html.match(/\/preview\/prv_[^"/]+\/[0-9A-Z]{26}\/1080\.jpg/)?.[0]
      expect(path, 'the preview page shows the 1080 px image').toBeDefined()
      const res = await fetch(server.url + path!)
      expect(res.status).toBe(200)
      return Buffer.from(await res.arrayBuffer())
    }
    const forVariety = await imageOf(variety)
    const forDeadline = await imageOf(deadline)
    expect(forVariety.equals(forDeadline)).toBe(false)
    expect(await metadataFound(forVariety, 'jpeg')).toEqual([])
    // The second request is the cached copy: the same bytes.
    expect((await imageOf(variety)).equals(forVariety)).toBe(true)

    // The leak: cropped by 10%, halved and re-saved at quality 70.
    const { width, height } = await sharp(forVariety).metadata()
    const cropped = await sharp(forVariety)
      .extract({ left: 40, top: 20, width: Math.round(width! * 0.9), height: Math.round(height! * 0.9) })
      .toBuffer()
    const leaked = await sharp(cropped)
      .resize(Math.round((width! * 0.9) / 2))
      .jpeg({ quality: 70 })
      .toBuffer()
    const traced = await traceLeak(server.ctx.db, leaked)
    expect(traced.source).toMatchObject({
      kind: 'preview',
      linkId: variety.id,
      recipient: 'Ana Ruiz',
      outlet: 'Variety',
      channelSlug: 'the-show',
      postId: post.id,
    })
    expect(traced.score).toBeGreaterThanOrEqual(traced.threshold)
    expect((await traceLeak(server.ctx.db, forDeadline)).source?.linkId).toBe(deadline.id)

    // The stored file, which public surfaces serve once the post is out, carries no mark.
    const media = await server.ctx.db
      .selectFrom('media')
      .selectAll()
      .where('id', '=', mediaId)
      .executeTakeFirstOrThrow()
    const variant = (JSON.parse(media.variants) as { name: string; format: string; key: string }[]).find(
      (v) => v.name === '1080' && v.format === 'jpeg',
    )!
    const stored = (await server.ctx.mediaStore.get(variant.key))!
    expect((await traceLeak(server.ctx.db, stored)).source).toBeNull()

    // A revoked link serves nothing more, yet a leak from before still traces to it.
    expect((await w.owner.delete(`${previews}/${variety.id}`)).status).toBe(204)
    expect((await fetch(variety.url)).status).toBe(404)
    const again = await traceLeak(server.ctx.db, leaked)
    expect(again.source?.linkId).toBe(variety.id)
    expect(again.source?.revokedAt).not.toBeNull()

    // The owner's way: the API, over this channel's links; refused to a creator before any work.
    const traceAs = (token: string) => {
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(leaked)], { type: 'image/jpeg' }), 'leak.jpg')
      return fetch(`${server.url}/api/v1/channels/the-show/trace`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      })
    }
    expect((await traceAs(w.accounts.creator.token)).status).toBe(403)
    const answer = await traceAs(w.accounts.owner.token)
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { source: unknown }).source).toMatchObject({
      kind: 'preview',
      linkId: variety.id,
      recipient: 'Ana Ruiz',
    })

    // The operator's way: `backlot trace FILE` on the same database (SQLite: the server's file).
    if (kind === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-leak-'))
      const file = path.join(dir, 'leaked.jpg')
      fs.writeFileSync(file, leaked)
      const { stdout } = await run(process.execPath, backlotArgs('trace', file), {
        cwd: path.resolve(import.meta.dirname, '..', '..'),
        env: {
          PATH: process.env.PATH ?? '',
          BACKLOT_DATA_DIR: server.database.dataDir,
          BACKLOT_LOG_LEVEL: 'silent',
        },
      })
      expect(stdout).toContain(
        `press preview link ${variety.id} (since revoked) for Ana Ruiz, Variety, ana@variety.example`,
      )
      expect(stdout).toMatch(/score \d+(\.\d+)? \(threshold 7; next best/)
      fs.rmSync(dir, { recursive: true, force: true })
    }
    // Four traces of a full image each search every scale: minutes on two busy cores, not seconds.
  }, 300_000)
})
