import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { createPost, fetchText, type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

/**
 * The feed cache (src/syndication/feed-cache.ts): a feed is built once per channel version and
 * reused; publishing, editing, deleting, releasing an embargoed post and changing a digest make a
 * new version at once; reactions (which decide automatic digests) show within 60 s.
 */

const soon = (ms: number) => new Date(Date.now() + ms).toISOString()
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The real time, or a frozen moment the test moves by hand. */
const clock = {
  frozen: null as number | null,
  now(): number {
    return this.frozen ?? Date.now()
  },
}

describe.each(testDatabases)('feed cache (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  const feed = async (file = 'feed.json') => fetchText(`${server.url}/c/the-show/${file}`)
  const jsonFeed = async () => JSON.parse((await feed()).text) as { items: any[] }

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv, overrides: { clock } })
    w = await seedPressWorld(server)
  })
  afterAll(() => {
    clock.frozen = null
    return server?.destroy()
  })

  it('reuses the built feed while the channel is unchanged, and rebuilds on publish, edit and delete', async () => {
    const post = await createPost(w.creator, 'the-show', { text: 'Call sheet for day 1' })
    const first = await feed()
    expect(first.text).toContain('Call sheet for day 1')

    // A change behind the event log's back (never done by the app) is not seen: the feed is cached.
    await server.ctx.db
      .updateTable('post')
      .set({ text: 'Changed in place' })
      .where('id', '=', post.id)
      .execute()
    const cached = await feed()
    expect(cached.text).toBe(first.text)
    expect(cached.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(
      (await fetchText(`${server.url}/c/the-show/feed.json`, { 'if-none-match': first.headers.get('etag')! }))
        .status,
    ).toBe(304)

    const edited = await w.creator.patch(`/api/v1/channels/the-show/posts/${post.id}`, {
      text: 'Call sheet v2',
    })
    expect(edited.status).toBe(200)
    const afterEdit = await feed()
    expect(afterEdit.text).toContain('Call sheet v2')
    expect(afterEdit.headers.get('etag')).not.toBe(first.headers.get('etag'))
    // Every format reads the same model.
    expect((await feed('feed.rss')).text).toContain('Call sheet v2')
    expect((await feed('feed.atom')).text).toContain('Call sheet v2')

    const second = await createPost(w.creator, 'the-show', { text: 'Day 2: night exteriors' })
    expect((await jsonFeed()).items.map((i) => i.id)).toContain(`${server.url}/c/the-show/p/${second.id}`)

    const beforeDelete = await feed('feed.rss')
    // Last-Modified has one-second precision: delete in a later second than the feed's last change.
    await wait(1000 - (Date.now() % 1000) + 20)
    expect((await w.creator.delete(`/api/v1/channels/the-show/posts/${post.id}`)).status).toBe(204)
    const afterDelete = await fetchText(`${server.url}/c/the-show/feed.rss`, {
      'if-modified-since': beforeDelete.headers.get('last-modified')!,
    })
    expect(afterDelete.text).not.toContain('Call sheet')
    expect(afterDelete.text).toContain('Day 2: night exteriors')
  })

  it('rebuilds when a digest is created, edited or deleted', async () => {
    const post = await createPost(w.creator, 'the-show', { text: 'Stills from the chase' })
    expect((await feed()).text).not.toContain('Chase digest')
    const made = await w.creator.post('/api/v1/channels/the-show/digests', {
      title: 'Chase digest',
      postIds: [post.id],
    })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    expect((await feed()).text).toContain('Chase digest')
    const renamed = await w.creator.patch(`/api/v1/channels/the-show/digests/${made.body.id}`, {
      title: 'Chase, the digest',
    })
    expect(renamed.status).toBe(200)
    const afterRename = await feed()
    expect(afterRename.text).toContain('Chase, the digest')
    expect(afterRename.text).not.toContain('Chase digest')
    expect((await w.creator.delete(`/api/v1/channels/the-show/digests/${made.body.id}`)).status).toBe(204)
    expect((await feed()).text).not.toContain('Chase, the digest')
  })

  it('never shows an embargoed post early, and shows it once released, though the feed was cached', async () => {
    const publishAt = soon(2000)
    const post = await createPost(w.creator, 'the-show', { text: 'Embargoed trailer drop', publishAt })
    const before = await feed()
    expect(before.text).not.toContain('Embargoed trailer drop')
    expect(before.text).not.toContain(post.id)
    // Cached and asked again while still embargoed: still absent.
    expect((await feed('feed.atom')).text).not.toContain(post.id)
    await wait(Math.max(0, Date.parse(publishAt) - Date.now()))
    // The scheduler publishes it at its time; wait for that, then the same feed must show it.
    for (let i = 0; i < 100; i++) {
      if ((await w.fan.get(`/api/v1/channels/the-show/posts/${post.id}`)).status === 200) break
      await wait(100)
    }
    expect((await w.fan.get(`/api/v1/channels/the-show/posts/${post.id}`)).body.status).toBe('published')
    expect((await feed()).text).toContain('Embargoed trailer drop')
    expect((await feed('feed.atom')).text).toContain(post.id)
  })

  it('shows reactions that change an automatic digest within 60 s (bounded staleness)', async () => {
    const tagged = (text: string) =>
      createPost(w.creator, 'the-show', { text, production: { weeks: { from: 9 } } })
    const quiet = await tagged('week 9: a quiet take')
    const loud = await tagged('week 9: the stunt')
    const react = async (token: string, id: string) =>
      expect(
        (
          await client(server.url, { token }).put(`/api/v1/channels/the-show/posts/${id}/reaction`, {
            emoji: '❤️',
          })
        ).status,
      ).toBe(200)
    await react(w.accounts.fan.token, quiet.id)
    const digest = await w.creator.post('/api/v1/channels/the-show/digests', {
      title: 'Week 9 best',
      weeks: { from: 9 },
      maxPosts: 1,
    })
    expect(digest.status, JSON.stringify(digest.body)).toBe(201)
    const itemOf = async () => (await jsonFeed()).items.find((i) => i.id === digest.body.url)
    clock.frozen = Date.now()
    expect((await itemOf()).content_html).toContain(quiet.id)

    // Two reactions make "the stunt" the top post; reactions are not channel events, so the cached
    // feed may keep the old selection…
    for (const handle of ['extra1', 'extra2']) {
      const extra = await seedAccount(server.ctx, handle)
      await seedMember(server.ctx, w.channel, extra.account, null)
      await react(extra.token, loud.id)
    }
    expect((await itemOf()).content_html).toContain(quiet.id)
    // …for at most 60 seconds.
    clock.frozen += 60_001
    const fresh = (await itemOf()).content_html
    expect(fresh).toContain(loud.id)
    expect(fresh).not.toContain(quiet.id)
  })
})
