import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { createPost, fetchText, type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

/**
 * Issue 14 item 6: public pages and feeds send validators and answer conditional requests with
 * 304; anonymous renderings are cached per channel version, and the version moves with every
 * event — a post, an edit, a deletion, the release of a scheduled post — so a cached page never
 * outlives what it shows. A signed-in reader is never served from (nor stored into) the
 * anonymous cache.
 */

/** The real time, or a frozen moment a test holds still (caches measure their TTL with it). */
const clock = {
  frozen: null as number | null,
  now(): number {
    return this.frozen ?? Date.now()
  },
}
const soon = (ms: number) => new Date(Date.now() + ms).toISOString()
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(testDatabases)('conditional requests and cached public pages (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetchText(`${server.url}${path}`, headers)
  const asFan = (path: string, headers: Record<string, string> = {}) =>
    get(path, { authorization: `Bearer ${w.accounts.fan.token}`, ...headers })
  const lastSeq = async () =>
    (
      await server.ctx.db
        .selectFrom('channel')
        .select('last_seq')
        .where('slug', '=', 'the-show')
        .executeTakeFirstOrThrow()
    ).last_seq
  /** Each path's ETag now, for asking "has it changed?" later. */
  const etagsOf = async (paths: string[]) =>
    Object.fromEntries(await Promise.all(paths.map(async (p) => [p, (await get(p)).headers.get('etag')!])))
  /** The path asked with the ETag it had: 200 and its text when changed, 304 when not. */
  const since = (path: string, etags: Record<string, string>) => get(path, { 'if-none-match': etags[path]! })

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv, overrides: { clock } })
    w = await seedPressWorld(server)
  })
  afterAll(() => {
    clock.frozen = null
    return server?.destroy()
  })

  it('answers If-None-Match and If-Modified-Since with 304 and no body on pages and feeds', async () => {
    const post = await createPost(w.creator, 'the-show', { text: 'Call sheet, day 1' })
    const paths = [
      '/c/the-show',
      `/c/the-show/p/${post.id}`,
      '/c/the-show/timeline',
      `/embed/p/${post.id}`,
      '/c/the-show/feed.json',
      '/c/the-show/feed.rss',
    ]
    for (const path of paths) {
      const first = await get(path)
      expect(first.status, path).toBe(200)
      expect(first.text).toContain('Call sheet, day 1')
      const etag = first.headers.get('etag')!
      const lastModified = first.headers.get('last-modified')!
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]+"$/)
      expect(Date.parse(lastModified), path).not.toBeNaN()
      expect(first.headers.get('cache-control')).toBe('public, max-age=60')

      const byTag = await get(path, { 'if-none-match': etag })
      expect([byTag.status, byTag.text], path).toEqual([304, ''])
      expect(byTag.headers.get('etag')).toBe(etag)
      expect((await get(path, { 'if-modified-since': lastModified })).status, path).toBe(304)
      expect((await get(path, { 'if-none-match': '"something-else"' })).status, path).toBe(200)
    }
    const oembed = `/oembed?url=${encodeURIComponent(`${server.url}/c/the-show/p/${post.id}`)}`
    const answer = await get(oembed)
    expect(answer.status).toBe(200)
    expect((await get(oembed, { 'if-none-match': answer.headers.get('etag')! })).status).toBe(304)
  })

  it('answers 200 with the new content after a post, an edit and a deletion', async () => {
    const post = await createPost(w.creator, 'the-show', { text: 'Scene 12: rain machine test' })
    const postPath = `/c/the-show/p/${post.id}`
    const paths = ['/c/the-show', postPath, '/c/the-show/feed.json', '/c/the-show/timeline']
    let etags = await etagsOf(paths)
    for (const path of paths) expect((await since(path, etags)).status, path).toBe(304)

    await createPost(w.creator, 'the-show', { text: 'Second unit wrap' })
    for (const path of ['/c/the-show', '/c/the-show/feed.json']) {
      const changed = await since(path, etags)
      expect(changed.status, path).toBe(200)
      expect(changed.text, path).toContain('Second unit wrap')
    }

    etags = await etagsOf(paths)
    const edited = await w.creator.patch(`/api/v1/channels/the-show/posts/${post.id}`, {
      text: 'Scene 12: rain machine, take two',
    })
    expect(edited.status).toBe(200)
    for (const path of ['/c/the-show', postPath, '/c/the-show/feed.json']) {
      const changed = await since(path, etags)
      expect(changed.status, path).toBe(200)
      expect(changed.text, path).toContain('rain machine, take two')
    }

    etags = await etagsOf(paths)
    const seq = await lastSeq()
    expect((await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}`)).status).toBe(204)
    // The deletion is an event: the channel's version moved, so nothing cached survives it.
    expect(await lastSeq()).toBeGreaterThan(seq)
    for (const path of ['/c/the-show', '/c/the-show/feed.json', '/c/the-show/timeline']) {
      const changed = await since(path, etags)
      expect(changed.status, path).toBe(200)
      expect(changed.text, path).not.toContain('rain machine')
      expect(changed.text, path).not.toContain(post.id)
    }
    expect((await since(postPath, etags)).status).toBe(404)
  })

  it('keeps a scheduled post out of cached pages until its release, then shows it', async () => {
    const publishAt = soon(1500)
    const post = await createPost(w.creator, 'the-show', { text: 'Trailer drop at noon', publishAt })
    const paths = ['/c/the-show', '/c/the-show/feed.atom', '/c/the-show/timeline']
    const etags = await etagsOf(paths)
    const seq = await lastSeq()
    // Scheduling is not an event: every page is unchanged, and says so.
    for (const path of paths) expect((await since(path, etags)).status, path).toBe(304)
    await wait(Math.max(0, Date.parse(publishAt) - Date.now()))
    for (let i = 0; i < 100 && (await lastSeq()) === seq; i++) await wait(100)
    // The release is an event: the version moved, and every page shows the post.
    expect(await lastSeq()).toBeGreaterThan(seq)
    for (const path of paths) {
      const changed = await since(path, etags)
      expect(changed.status, path).toBe(200)
      expect(changed.text, path).toContain(path.endsWith('timeline') ? post.id : 'Trailer drop at noon')
    }
  })

  it('never serves a signed-in reader from the anonymous cache, nor stores their page there', async () => {
    const post = await createPost(w.creator, 'the-show', { text: 'Original caption' })
    const cached = await get('/c/the-show')
    expect(cached.text).toContain('Original caption')
    // A change behind the event log's back (never done by the app): the anonymous page is cached.
    await server.ctx.db
      .updateTable('post')
      .set({ text: 'Rewritten in place' })
      .where('id', '=', post.id)
      .execute()
    expect((await get('/c/the-show')).text).toBe(cached.text)
    // The signed-in fan's page is rendered for them…
    const fanPage = await asFan('/c/the-show')
    expect(fanPage.status).toBe(200)
    expect(fanPage.text).toContain('Rewritten in place')
    // …and was not put where anonymous readers are served from.
    const again = await get('/c/the-show')
    expect(again.text).toBe(cached.text)
    expect(again.headers.get('etag')).toBe(cached.headers.get('etag'))
  })

  it('keeps a private channel’s page personal: no anonymous copy, validators per reader', async () => {
    await seedMember(server.ctx, w.privateChannel, w.accounts.fan.account, null)
    await createPost(w.owner, 'writers-room', { text: 'Writers only: the twist' })
    const owner = await get('/c/writers-room', { authorization: `Bearer ${w.accounts.owner.token}` })
    expect(owner.status).toBe(200)
    expect(owner.text).toContain('Writers only: the twist')
    expect(owner.headers.get('cache-control')).toBe('private, no-store')
    const anonymous = await get('/c/writers-room')
    expect(anonymous.status).toBe(404)
    expect(anonymous.text).not.toContain('the twist')
    // Same bytes for another member, but the owner's validator does not vouch for their copy.
    const etag = owner.headers.get('etag')!
    const fan = await asFan('/c/writers-room', { 'if-none-match': etag })
    expect(fan.status).toBe(200)
    expect(fan.text).toContain('Writers only: the twist')
    expect(fan.headers.get('etag')).not.toBe(etag)
    const ownerAgain = await get('/c/writers-room', {
      authorization: `Bearer ${w.accounts.owner.token}`,
      'if-none-match': etag,
    })
    expect(ownerAgain.status).toBe(304)
    expect((await get('/c/writers-room', { 'if-none-match': etag })).status).toBe(404)
    expect((await client(server.url).get('/api/v1/channels/writers-room/posts')).status).toBe(404)
  })
  it('shares an anonymous API post list until the next event, and never with a signed-in reader', async () => {
    const path = '/api/v1/channels/the-show/posts?limit=5'
    const post = await createPost(w.creator, 'the-show', { text: 'API caption' })
    clock.frozen = Date.now()
    try {
      const texts = (res: { body: { items: { id: string; text: string }[] } }) =>
        res.body.items.map((i) => i.text)
      expect(texts(await w.anonymous.get(path))).toContain('API caption')
      await server.ctx.db
        .updateTable('post')
        .set({ text: 'API rewritten' })
        .where('id', '=', post.id)
        .execute()
      // Anonymous readers share the page built before (nothing happened in the channel)…
      expect(texts(await w.anonymous.get(path))).toContain('API caption')
      // …a signed-in reader's page is read for them…
      expect(texts(await w.fan.get(path))).toContain('API rewritten')
      // …and any event replaces the shared page at once.
      await createPost(w.creator, 'the-show', { text: 'API next post' })
      const after = texts(await w.anonymous.get(path))
      expect(after).toContain('API next post')
      expect(after).toContain('API rewritten')
    } finally {
      clock.frozen = null
    }
  })
})
