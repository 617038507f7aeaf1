import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { type PushService, startPushService } from '../_util/push-service.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { SseReader, StreamClient, sseSeq } from '../_util/stream.js'
import { pushTestEnv, register, waitForPush } from './push.fixture.js'

/**
 * Issue 14, item 1 — deleted means gone. Posts carrying a canary string in every field a post has
 * (text, spoiler label, alt text, credit, location tag, poll question and options, prompt question,
 * a fan's answer, a press preview label) are edited, pinned, voted on, closed and deleted; then the
 * canary must appear on no surface (stream replays from 0 over WebSocket and SSE, pages, embeds,
 * oEmbed, feeds, the API, push) and in no database row or file under the data folder. An edited
 * post that still exists replays only its current version; its earlier text is left in the staff
 * edit history alone.
 */
const CANARY = 'Zq7canaryXv'
const EDIT_CANARY = 'Wk3oldversionYp'

describe.each(testDatabases)('deleted and edited posts leave nothing behind (%s)', (kind) => {
  let server: TestServer
  /** A second node on the same database: it served the images before they were deleted. */
  let otherNode: TestServer
  let push: PushService
  let owner: Client
  let fan: Client
  let anonymous: Client
  const slug = 'canary-set'
  const ids: Record<string, string> = {}
  let mediaUrls: string[] = []

  beforeAll(async () => {
    push = await startPushService()
    server = await startTestServer(kind, { env: pushTestEnv })
    otherNode = await startTestServer(kind, { database: server.database, env: pushTestEnv })
    const ownerSeed = await seedAccount(server.ctx, 'showrunner')
    const fanSeed = await seedAccount(server.ctx, 'fan')
    const channel = await seedChannel(server.ctx, ownerSeed.account, { slug, title: 'Canary set' })
    await seedMember(server.ctx, channel, fanSeed.account, null)
    owner = client(server.url, { token: ownerSeed.token })
    fan = client(server.url, { token: fanSeed.token })
    anonymous = client(server.url)
    await register(fan, push.device('fan-phone', 0))
    // The first notification attempt fails, so the album's push is usually still queued when it is
    // deleted (its retry comes 5 s later; on a loaded machine it may come before the deletion).
    push.respond('fan-phone', { status: 503, retryAfter: '5' })

    const upload = await uploadImage(server.url, ownerSeed.token, await noisyJpeg(640, 480), {
      alt: `alt ${CANARY}`,
      credit: `credit ${CANARY}`,
      extra: { rights: `rights ${CANARY}` },
    })
    expect(upload.status).toBe(201)
    const posts = `/api/v1/channels/${slug}/posts`
    const album = await owner.post(posts, {
      text: `album ${CANARY}`,
      spoiler: true,
      spoilerLabel: `label ${CANARY}`,
      media: [{ id: upload.body.id, spoiler: true, spoilerLabel: `image label ${CANARY}` }],
      production: { location: `location ${CANARY}` },
    })
    expect(album.status, JSON.stringify(album.body)).toBe(201)
    ids.album = album.body.id
    mediaUrls = [upload.body.originalUrl, ...album.body.media[0].variants.map((v: { url: string }) => v.url)]
      .filter(Boolean)
      .map((u: string) => new URL(u).pathname)
    mediaUrls.push(`/media/${upload.body.id}/blur.jpg`)
    while (push.requests('fan-phone') < 1) await new Promise((r) => setTimeout(r, 20))
    expect((await owner.put(`${posts}/${ids.album}/pin`)).status).toBe(200)
    // The blurred stand-in exists once something public showed the spoiler image; both nodes serve
    // every file.
    for (const url of mediaUrls) {
      expect((await anonymous.get(url)).status, url).toBe(200)
      expect((await fetch(otherNode.url + url)).status, url).toBe(200)
    }

    const text = await owner.post(posts, { text: `first ${CANARY}`, silent: true })
    ids.text = text.body.id
    expect((await owner.patch(`${posts}/${ids.text}`, { text: `second ${CANARY}` })).status).toBe(200)

    const poll = await owner.post(posts, {
      silent: true,
      poll: { question: `question ${CANARY}`, options: [`yes ${CANARY}`, 'no'] },
    })
    ids.poll = poll.body.id
    expect((await fan.put(`${posts}/${ids.poll}/vote`, { options: [0] })).status).toBe(200)
    expect((await owner.post(`${posts}/${ids.poll}/poll/close`)).status).toBe(200)

    const prompt = await owner.post(posts, { silent: true, prompt: { question: `prompt ${CANARY}` } })
    ids.prompt = prompt.body.id
    expect((await fan.post(`${posts}/${ids.prompt}/answers`, { text: `answer ${CANARY}` })).status).toBe(201)

    const later = new Date(Date.now() + 86_400_000).toISOString()
    const scheduled = await owner.post(posts, { text: `embargoed ${CANARY}`, publishAt: later })
    ids.scheduled = scheduled.body.id
    const preview = await owner.post(`${posts}/${ids.scheduled}/previews`, { label: `press ${CANARY}` })
    expect(preview.status).toBe(201)

    // Stays: published, then edited. Its first text must leave the replayable log.
    const kept = await owner.post(posts, { text: `draft words ${EDIT_CANARY}`, silent: true })
    ids.kept = kept.body.id
    expect((await owner.patch(`${posts}/${ids.kept}`, { text: 'the final words' })).status).toBe(200)
  })

  afterAll(async () => {
    await otherNode?.close()
    await server?.destroy()
    await push?.close()
  })

  async function replayOverWebSocket(): Promise<{ frames: string[]; seqs: number[] }> {
    const stream = await StreamClient.open(server.url)
    try {
      const epoch = server.ctx.eventLog.epoch
      const subscribed = await stream.subscribeAndWait(slug, { epoch, seq: 0 })
      expect(subscribed.type).toBe('subscribed')
      const events = stream.events(slug)
      return { frames: events.map((f) => JSON.stringify(f)), seqs: events.map((f) => f.seq) }
    } finally {
      await stream.close()
    }
  }

  async function replayOverSse(lastSeq: number): Promise<string> {
    const reader = await SseReader.open(`${server.url}/api/v1/channels/${slug}/events?since=0`)
    await reader.waitFor((m) => sseSeq(m) === lastSeq)
    const body = reader.body()
    reader.close()
    return body
  }

  async function lastSeq(): Promise<number> {
    const row = await server.ctx.db
      .selectFrom('channel')
      .select('last_seq')
      .where('slug', '=', slug)
      .executeTakeFirst()
    return row!.last_seq
  }

  it('replays earlier text before the deletions (the check below would see it)', async () => {
    const { frames } = await replayOverWebSocket()
    expect(frames.some((f) => f.includes(CANARY))).toBe(true)
  })

  it('replays only the current version of an edited post; staff history keeps the earlier one', async () => {
    const { frames } = await replayOverWebSocket()
    const kept = frames.filter((f) => f.includes(ids.kept!))
    expect(kept.length).toBe(2) // published, edited
    expect(kept.every((f) => f.includes('the final words') && !f.includes(EDIT_CANARY))).toBe(true)
    expect(await replayOverSse(await lastSeq())).not.toContain(EDIT_CANARY)
    const history = await owner.get(`/api/v1/channels/${slug}/posts/${ids.kept}/history`)
    expect(history.status).toBe(200)
    expect(JSON.stringify(history.body)).toContain(EDIT_CANARY)
    expect((await fan.get(`/api/v1/channels/${slug}/posts/${ids.kept}/history`)).status).toBe(403)
  })

  it('after deletion, the canary is on no surface, in no row and in no file', async () => {
    const before = await lastSeq()
    const pushedBefore = push.messages('fan-phone').length
    for (const name of ['album', 'text', 'poll', 'prompt', 'scheduled']) {
      const res = await owner.delete(`/api/v1/channels/${slug}/posts/${ids[name]}`)
      expect(res.status, name).toBe(204)
    }
    // The scheduled post was never announced: four deletions appended four events.
    const after = await lastSeq()
    expect(after).toBe(before + 4)

    // Live stream replays from 0: every position still there (gap-free), tombstones only.
    const { frames, seqs } = await replayOverWebSocket()
    expect(seqs).toEqual(Array.from({ length: after }, (_, i) => i + 1))
    expect(frames.filter((f) => f.includes(CANARY))).toEqual([])
    const tombstones = frames.map((f) => JSON.parse(f)).filter((f) => f.event.data.redacted === true)
    expect(tombstones.length).toBeGreaterThanOrEqual(6) // album: published, pinned; text: 2; poll: 2…
    expect(await replayOverSse(after)).not.toContain(CANARY)

    // Pages, embeds, oEmbed, feeds and the API.
    for (const name of ['album', 'text', 'poll', 'prompt', 'scheduled']) {
      const id = ids[name]!
      expect((await anonymous.get(`/c/${slug}/p/${id}`)).status, name).toBe(404)
      expect((await anonymous.get(`/embed/p/${id}`)).status, name).toBe(404)
      const oembed = await anonymous.get(
        `/oembed?url=${encodeURIComponent(`${server.url}/c/${slug}/p/${id}`)}`,
      )
      expect(oembed.status, name).toBe(404)
      expect((await owner.get(`/api/v1/channels/${slug}/posts/${id}`)).status, name).toBe(404)
    }
    const surfaces = [
      `/c/${slug}`,
      `/c/${slug}/timeline`,
      `/c/${slug}/feed.rss`,
      `/c/${slug}/feed.atom`,
      `/c/${slug}/feed.json`,
      `/api/v1/channels/${slug}/posts`,
      `/api/v1/channels/${slug}/posts?pinned=true`,
      `/api/v1/channels/${slug}/timeline`,
      `/api/v1/channels/${slug}/schedule`,
      // Search (issue 19): the deleted posts left the index in their deletion's transaction.
      `/api/v1/channels/${slug}/search?q=${CANARY}`,
      `/api/v1/search?q=${CANARY}`,
    ]
    for (const surface of surfaces) {
      const res = await owner.get(surface)
      expect(res.status, surface).toBe(200)
      expect(JSON.stringify(res.body), surface).not.toContain(CANARY)
    }

    // Every file of the album's image answers 404 at once on both nodes, the blurred stand-in
    // included.
    for (const url of mediaUrls) {
      expect((await anonymous.get(url)).status, url).toBe(404)
      expect((await fetch(otherNode.url + url)).status, url).toBe(404)
    }

    // Push: a notification still queued at the deletion found the post deleted and sent nothing.
    await waitForPush(server, ids.album!)
    expect(push.messages('fan-phone').slice(pushedBefore)).toEqual([])

    // No database row, in any table, holds the canary.
    for (const [table, rows] of Object.entries(await everyRow(server))) {
      expect(
        rows.filter((r) => r.includes(CANARY)),
        table,
      ).toEqual([])
    }
    // No file in the data folder either: media files, the SQLite database and its WAL.
    expect(filesContaining(server.database.dataDir, CANARY)).toEqual([])
  })

  it('deleting a channel deletes its album files at once', async () => {
    const ownerSeed = await seedAccount(server.ctx, 'closing')
    await seedChannel(server.ctx, ownerSeed.account, { slug: 'wrapped' })
    const api = client(server.url, { token: ownerSeed.token })
    const upload = await uploadImage(server.url, ownerSeed.token, await noisyJpeg(320, 240))
    const post = await api.post('/api/v1/channels/wrapped/posts', { media: [{ id: upload.body.id }] })
    expect(post.status).toBe(201)
    const urls = post.body.media[0].variants.map((v: { url: string }) => new URL(v.url).pathname)
    const filesBefore = mediaFiles(server.database.dataDir)
    expect((await api.delete('/api/v1/channels/wrapped')).status).toBe(204)
    for (const url of urls) expect((await anonymous.get(url)).status, url).toBe(404)
    const row = await server.ctx.db
      .selectFrom('media')
      .select('id')
      .where('id', '=', upload.body.id)
      .executeTakeFirst()
    expect(row).toBeUndefined()
    expect(mediaFiles(server.database.dataDir).length).toBeLessThan(filesBefore.length)
    expect(mediaFiles(server.database.dataDir).length).toBe(filesBefore.length - urls.length - 1)
  })

  it('keeps the edited post’s earlier text in its staff history only', async () => {
    const rows = await everyRow(server)
    const holders = Object.entries(rows).filter(([, r]) => r.some((row) => row.includes(EDIT_CANARY)))
    expect(holders.map(([table]) => table)).toEqual(['post_revision'])
  })
})

/** Every row of every table of the server's database, as JSON text, by table. */
async function everyRow(server: TestServer): Promise<Record<string, string[]>> {
  const db = server.ctx.db
  const tables =
    server.kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows
      : (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = ${server.database.config.schema}`.execute(db)
        ).rows
  const result: Record<string, string[]> = {}
  for (const { name } of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)
    result[name] = rows.map((r) => JSON.stringify(r))
  }
  return result
}

/** Files under `dir` (recursively) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    if (fs.readFileSync(file).includes(needle)) found.push(path.relative(dir, file))
  }
  return found
}

/** The stored media files (content-addressed, so one per distinct file) under the data folder. */
function mediaFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'media')
  if (!fs.existsSync(root)) return []
  return fs
    .readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
    .map((e) => path.join(e.parentPath, e.name))
}
