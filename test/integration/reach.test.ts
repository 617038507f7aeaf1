import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createReachService } from '../../src/reach/index.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { captureLog } from '../_util/log-capture.js'
import { seedAccount, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { createPost, type PressWorld, seedPressWorld } from './press.fixture.js'

const DAY = 86_400_000
/** The reader's address (TEST-NET-3), as a trusted proxy reports it: it must be stored nowhere. */
const ADDRESS = '203.0.113.77'
const OTHER_ADDRESS = '198.51.100.9'
/** A browser User-Agent with a token of its own, to show the User-Agent is not stored either. */
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ReachCanary/7'
const FEEDLY = 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; feed-id=canary)'
const MINIFLUX = 'Miniflux/2.1.0 (https://miniflux.app)'
const UNFURLER = 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'
const ARTICLE = 'https://news.example/2026/12/secret-article-path?utm_source=canary'

interface ReachReport {
  days: {
    day: string
    pages: number
    embeds: number
    feeds: number
    oembed: number
    visitors: number
    bots: number
  }[]
  totals: Record<'pages' | 'embeds' | 'feeds' | 'oembed' | 'bots', number>
  origins: { origin: string; views: number; posts: number }[]
  embeds: { postId: string; excerpt: string; origin: string; views: number }[]
  posts: { postId: string; excerpt: string; pages: number; embeds: number; oembed: number }[]
  readers: { reader: string; fetches: number; subscribers: number }[]
}

/** Every row of every table, as text: what "stored" means for the database. */
async function wholeDatabase(server: TestServer): Promise<string> {
  const db = server.ctx.db
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  const dumps = await Promise.all(
    tables.map(async (t) => JSON.stringify((await sql`select * from ${sql.table(t.name)}`.execute(db)).rows)),
  )
  return dumps.join('\n')
}

/** The SQLite files themselves (the database, its WAL), as bytes: deleted rows may linger in pages. */
function sqliteFiles(server: TestServer): Buffer {
  const dir = server.database.dataDir
  return Buffer.concat(
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('backlot.db'))
      .map((f) => fs.readFileSync(path.join(dir, f))),
  )
}

describe.each(testDatabases)('reach without tracking (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  const log = captureLog('debug')
  const clock = { offset: 0, now: () => Date.now() + clock.offset }
  let first: any
  let second: any
  let unlistedPost: any
  let privatePost: any

  const as = (address: string, userAgent: string, headers: Record<string, string> = {}) =>
    client(server.url, { headers: { 'x-forwarded-for': address, 'user-agent': userAgent, ...headers } })
  const reader = () => as(ADDRESS, BROWSER)
  const report = async (slug: string, c = w.owner) => {
    const res = await c.get<ReachReport>(`/api/v1/channels/${slug}/analytics/reach?days=7`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body
  }
  /** Counts reach the database in batches after the reply: flush until they are all there. */
  const settled = async (slug: string, check: (r: ReachReport) => boolean) => {
    let last: ReachReport | undefined
    await expect
      .poll(async () => {
        await server.ctx.reach.flush()
        last = await report(slug)
        return check(last)
      })
      .toBe(true)
    return last!
  }
  const today = (r: ReachReport) => r.days.at(-1)!

  beforeAll(async () => {
    server = await startTestServer(kind, {
      // Trust the nearest hop (this machine, as a reverse proxy would be), so X-Forwarded-For is the
      // reader's address; no rate-limit exemption for it.
      env: { BACKLOT_TRUST_PROXY: '1' },
      overrides: { logger: log.logger, clock },
    })
    w = await seedPressWorld(server)
    first = await createPost(w.creator, 'the-show', { text: 'Weeks 11–14: the last chapter' })
    second = await createPost(w.creator, 'the-show', { text: 'Stage 4 at night' })
    unlistedPost = await createPost(w.owner, 'b-roll', { text: 'B-roll of the crane shot' })
    privatePost = await createPost(w.owner, 'writers-room', { text: 'The ending, for the room only' })

    const browser = reader()
    expect((await browser.get('/c/the-show')).status).toBe(200)
    expect((await browser.get('/c/the-show')).status).toBe(200) // from the page cache: counts too
    expect((await browser.request('HEAD', '/c/the-show')).status).toBe(200) // a link checker: not a view
    const page = await browser.get(`/c/the-show/p/${first.id}`)
    expect(page.status).toBe(200)
    // A revalidation is a view too.
    const etag = page.headers.get('etag')!
    expect((await browser.get(`/c/the-show/p/${first.id}`, { 'if-none-match': etag })).status).toBe(304)
    // A second reader, and an unfurler (a bot: counted apart).
    expect((await as(OTHER_ADDRESS, BROWSER).get(`/c/the-show/p/${first.id}`)).status).toBe(200)
    expect((await as(ADDRESS, UNFURLER).get(`/c/the-show/p/${first.id}`)).status).toBe(200)
    // Embeds from two sites: the Referer's path never counts, only its origin.
    expect((await browser.get(`/embed/p/${first.id}`, { referer: ARTICLE })).status).toBe(200)
    expect(
      (await browser.get(`/embed/p/${first.id}`, { referer: 'https://news.example/other' })).status,
    ).toBe(200)
    expect(
      (await browser.get(`/embed/p/${first.id}`, { referer: 'https://press.example.org/a' })).status,
    ).toBe(200)
    expect((await browser.get(`/embed/p/${second.id}`, { referer: 'https://news.example/b' })).status).toBe(
      200,
    )
    // Feeds, by two readers, one reporting its subscribers.
    expect((await as(ADDRESS, FEEDLY).get('/c/the-show/feed.rss')).status).toBe(200)
    expect((await as(ADDRESS, FEEDLY).get('/c/the-show/feed.rss')).status).toBe(200)
    expect((await as(ADDRESS, MINIFLUX).get('/c/the-show/feed.atom')).status).toBe(200)
    // oEmbed.
    const url = encodeURIComponent(`${server.url}/c/the-show/p/${first.id}`)
    expect((await browser.get(`/oembed?url=${url}`)).status).toBe(200)
    // What must not count: a missing post, a private channel's page (its member may read it) and feed.
    expect((await browser.get('/c/the-show/p/01JAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404)
    const member = client(server.url, {
      token: w.accounts.owner.token,
      headers: { 'x-forwarded-for': ADDRESS, 'user-agent': BROWSER },
    })
    expect((await member.get(`/c/writers-room/p/${privatePost.id}`)).status).toBe(200)
    expect((await browser.get('/c/writers-room/feed.rss')).status).toBe(404)
    // An unlisted channel's page counts for it.
    expect((await browser.get(`/c/b-roll/p/${unlistedPost.id}`)).status).toBe(200)
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('counts views per surface, distinct visitors and bots apart', async () => {
    const r = await settled('the-show', (r) => today(r).visitors === 2 && today(r).oembed === 1)
    expect(today(r)).toMatchObject({ pages: 5, embeds: 4, feeds: 3, oembed: 1, visitors: 2, bots: 1 })
    expect(r.days).toHaveLength(7)
    expect(r.totals).toEqual({ pages: 5, embeds: 4, feeds: 3, oembed: 1, bots: 1 })
    const top = r.posts.find((p) => p.postId === first.id)
    expect(top).toMatchObject({ pages: 3, embeds: 3, oembed: 1, excerpt: 'Weeks 11–14: the last chapter' })
  })

  it('tells which sites embedded which posts, by origin only', async () => {
    const r = await report('the-show')
    expect(r.origins).toEqual([
      { origin: 'https://news.example', views: 3, posts: 2 },
      { origin: 'https://press.example.org', views: 1, posts: 1 },
    ])
    expect(r.embeds).toEqual([
      { postId: first.id, excerpt: first.text, origin: 'https://news.example', views: 2 },
      { postId: first.id, excerpt: first.text, origin: 'https://press.example.org', views: 1 },
      { postId: second.id, excerpt: second.text, origin: 'https://news.example', views: 1 },
    ])
  })

  it('counts feed fetches by reader family with the subscribers they report', async () => {
    const r = await report('the-show')
    expect(r.readers).toEqual([
      { reader: 'feedly', fetches: 2, subscribers: 12 },
      { reader: 'miniflux', fetches: 1, subscribers: 0 },
    ])
  })

  it('counts an unlisted channel and never a private one', async () => {
    const unlisted = await settled('b-roll', (r) => today(r).pages === 1)
    expect(today(unlisted)).toMatchObject({ pages: 1, visitors: 1 })
    const hidden = await report('writers-room')
    expect(hidden.totals).toEqual({ pages: 0, embeds: 0, feeds: 0, oembed: 0, bots: 0 })
    expect(today(hidden).visitors).toBe(0)
  })

  it('shows reach to the owner and admins only', async () => {
    const admin = await seedAccount(server.ctx, 'showadmin')
    await seedMember(server.ctx, w.channel, admin.account, 'admin')
    expect(
      (await client(server.url, { token: admin.token }).get('/api/v1/channels/the-show/analytics/reach'))
        .status,
    ).toBe(200)
    const creator = await w.creator.get('/api/v1/channels/the-show/analytics/reach')
    expect(creator.status).toBe(403)
    expect(creator.body.type).toMatch(/not-allowed$/)
    expect((await w.fan.get('/api/v1/channels/the-show/analytics/reach')).status).toBe(403)
    expect((await w.anonymous.get('/api/v1/channels/the-show/analytics/reach')).status).toBe(401)
    expect((await w.fan.get('/api/v1/channels/writers-room/analytics/reach')).status).toBe(404)
    expect((await w.owner.get('/api/v1/channels/the-show/analytics/reach?days=0')).status).toBe(422)
  })

  it('stores no address, no User-Agent and no Referer path: not in any table, file or log line', async () => {
    await server.ctx.reach.flush()
    const everything = await wholeDatabase(server)
    expect(everything).toContain('https://news.example') // the dump does see the reach tables
    for (const secret of [ADDRESS, OTHER_ADDRESS, 'ReachCanary', 'secret-article-path', 'feed-id=canary'])
      expect(everything, secret).not.toContain(secret)
    if (kind === 'sqlite') expect(sqliteFiles(server).includes(ADDRESS)).toBe(false)
    expect(log.text()).toContain('/c/the-show') // the log did record these requests…
    expect(log.text()).not.toContain(ADDRESS) // …without the address
    expect(log.text()).not.toContain(OTHER_ADDRESS)
  })

  it('forgets a deleted post’s counts with it', async () => {
    expect((await w.creator.delete(`/api/v1/channels/the-show/posts/${second.id}`)).status).toBe(204)
    const r = await report('the-show')
    expect(r.embeds.map((e) => e.postId)).not.toContain(second.id)
    expect(r.posts.map((p) => p.postId)).not.toContain(second.id)
    expect(today(r).embeds).toBe(3)
    const rows = await server.ctx.db
      .selectFrom('reach_embed_day')
      .select('post_id')
      .where('post_id', '=', second.id)
      .execute()
    expect(rows).toEqual([])
  })

  it('at the day’s end keeps only the count of visitors: hashes and salt are deleted', async () => {
    expect(await server.ctx.db.selectFrom('reach_salt').selectAll().execute()).toHaveLength(1)
    clock.offset = DAY
    await server.ctx.reach.rollUp()
    expect(await server.ctx.db.selectFrom('reach_visitor').selectAll().execute()).toEqual([])
    expect(await server.ctx.db.selectFrom('reach_salt').selectAll().execute()).toEqual([])
    const r = await report('the-show')
    expect(r.days.at(-2)).toMatchObject({ visitors: 2, pages: 5 })
    expect(today(r)).toMatchObject({ visitors: 0, pages: 0 })
    // A visitor of the new day is hashed with a new salt.
    expect((await reader().get('/c/the-show')).status).toBe(200)
    const next = await settled('the-show', (r) => today(r).visitors === 1)
    expect(today(next).pages).toBe(1)
    const salts = await server.ctx.db.selectFrom('reach_salt').select('day').execute()
    expect(salts.map((s) => s.day)).toEqual([Math.floor(clock.now() / DAY)])
  })

  it('counts a visitor once however nodes share the requests (the salt lives in the database)', async () => {
    const nodes = [1, 2].map(() =>
      createReachService({ db: server.ctx.db, clock, logger: server.ctx.logger }),
    )
    const visitor = { address: '192.0.2.44', userAgent: BROWSER }
    for (const node of nodes) node.record({ surface: 'channel-page', slug: 'b-roll' }, visitor)
    await expect
      .poll(async () => {
        for (const node of nodes) await node.flush()
        const r = await report('b-roll')
        return today(r)
      })
      .toMatchObject({ pages: 2, visitors: 1 })
    for (const node of nodes) await node.close()
  })
})

describe.each(testDatabases)('reach counting switched off (%s)', (kind) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer(kind, { env: { BACKLOT_REACH_COUNTING: 'false' } })
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('counts nothing with BACKLOT_REACH_COUNTING=false', async () => {
    const w = await seedPressWorld(server)
    const post = await createPost(w.creator, 'the-show', { text: 'Not counted' })
    expect((await w.anonymous.get(`/c/the-show/p/${post.id}`)).status).toBe(200)
    expect((await w.anonymous.get(`/embed/p/${post.id}`, { referer: 'https://news.example/' })).status).toBe(
      200,
    )
    expect((await w.anonymous.get('/c/the-show/feed.rss')).status).toBe(200)
    await server.ctx.reach.flush()
    const r = await w.owner.get<ReachReport>('/api/v1/channels/the-show/analytics/reach')
    expect(r.status).toBe(200)
    expect(r.body.totals).toEqual({ pages: 0, embeds: 0, feeds: 0, oembed: 0, bots: 0 })
    for (const table of ['reach_post_day', 'reach_embed_day', 'reach_feed_day', 'reach_visitor'] as const)
      expect(await server.ctx.db.selectFrom(table).selectAll().execute()).toEqual([])
  })
})
