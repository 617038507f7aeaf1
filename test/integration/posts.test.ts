import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { scopedClient } from './channels.fixture.js'
import { channelEvents, type PostWorld, seedPostWorld } from './posts.fixture.js'

const posts = '/api/v1/channels/set-diary/posts'

describe.each(testDatabases)('text posts on %s', (kind) => {
  let server: TestServer
  let w: PostWorld
  beforeAll(async () => {
    server = await startTestServer(kind)
    w = await seedPostWorld(server)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  async function publish(text: string, extra: Record<string, unknown> = {}) {
    const res = await w.creator.post(posts, { text, ...extra })
    expect(res.status).toBe(201)
    return res.body
  }

  it('publishes a text post, returns its text verbatim with links, and logs post.published', async () => {
    const before = (await channelEvents(server, w.channel)).length
    const text = 'Wrap on week 11 <script>alert(1)</script> — stills at https://example.org/wk11.'
    const res = await w.creator.post(posts, { text: `  ${text}\n`, spoiler: true, spoilerLabel: 'Chapter 8' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      channel: 'set-diary',
      author: { handle: 'cocreator', displayName: 'cocreator' },
      kind: 'text',
      text,
      links: [{ url: 'https://example.org/wk11', start: text.indexOf('https'), end: text.length - 1 }],
      status: 'published',
      editedAt: null,
      pinned: false,
      pinnedAt: null,
      spoiler: true,
      spoilerLabel: 'Chapter 8',
      silent: false,
      revision: 0,
    })
    expect(new Date(res.body.publishedAt).toISOString()).toBe(res.body.publishedAt)

    const got = await w.fan.get(`${posts}/${res.body.id}`)
    expect(got.status).toBe(200)
    expect(got.body).toEqual(res.body)

    const events = await channelEvents(server, w.channel)
    expect(events).toHaveLength(before + 1)
    expect(events.at(-1)).toMatchObject({ type: 'post.published', post_id: res.body.id, data: res.body })
  })

  it('lets anonymous visitors read a public channel', async () => {
    const post = await publish('Open to everyone')
    const got = await w.anonymous.get(`${posts}/${post.id}`)
    expect(got.status).toBe(200)
    expect(got.body.text).toBe('Open to everyone')
    const list = await w.anonymous.get(posts)
    expect(list.status).toBe(200)
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(post.id)
  })

  it('pages through 25 posts newest first, each seen exactly once', async () => {
    const slug = 'paging'
    const channel = await seedChannel(server.ctx, w.accounts.owner.account, { slug })
    await seedMember(server.ctx, channel, w.accounts.creator.account, 'creator')
    const created: string[] = []
    for (let i = 0; i < 25; i++) {
      const res = await w.creator.post(`/api/v1/channels/${slug}/posts`, { text: `post ${i}` })
      created.push(res.body.id)
    }
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor ? `?limit=10&cursor=${cursor}` : '?limit=10'
      const page = await w.fan.get(`/api/v1/channels/${slug}/posts${query}`)
      expect(page.status).toBe(200)
      seen.push(...page.body.items.map((p: { id: string }) => p.id))
      cursor = page.body.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual([...created].reverse())

    const all = await w.anonymous.get(`/api/v1/channels/${slug}/posts`)
    expect(all.body.items).toHaveLength(20)
    expect(all.body.nextCursor).not.toBeNull()
  })

  it('edits a post, keeps its history for staff and hides it from fans', async () => {
    const post = await publish('First take')
    const edited = await w.creator.patch(`${posts}/${post.id}`, { text: 'Second take', silent: true })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ id: post.id, text: 'Second take', silent: true, revision: 1 })
    expect(edited.body.editedAt).not.toBeNull()
    await w.admin.patch(`${posts}/${post.id}`, { spoilerLabel: 'Finale' })

    const history = await w.owner.get(`${posts}/${post.id}/history`)
    expect(history.status).toBe(200)
    expect(history.body.items).toEqual([
      {
        revision: 1,
        editor: { handle: 'producer', displayName: 'producer' },
        snapshot: { text: 'Second take', spoiler: false, spoilerLabel: null, silent: true },
        createdAt: expect.any(String),
      },
      {
        revision: 0,
        editor: { handle: 'cocreator', displayName: 'cocreator' },
        snapshot: { text: 'First take', spoiler: false, spoilerLabel: null, silent: false },
        createdAt: expect.any(String),
      },
    ])
    expect((await w.moderator.get(`${posts}/${post.id}/history`)).status).toBe(200)
    const fan = await w.fan.get(`${posts}/${post.id}/history`)
    expect(fan.status).toBe(403)
    expect(fan.body.code).toBe('not-allowed')

    const current = await w.fan.get(`${posts}/${post.id}`)
    expect(current.body).toMatchObject({
      text: 'Second take',
      spoiler: true,
      spoilerLabel: 'Finale',
      revision: 2,
    })
    const events = await channelEvents(server, w.channel)
    expect(events.at(-1)).toMatchObject({ type: 'post.edited', post_id: post.id, data: current.body })
  })

  it('lets only the author (or admins) edit and delete a post', async () => {
    const post = await publish('Mine')
    const other = await w.creator2.patch(`${posts}/${post.id}`, { text: 'Not yours' })
    expect(other.status).toBe(403)
    expect(other.body.code).toBe('not-allowed')
    expect((await w.creator2.delete(`${posts}/${post.id}`)).status).toBe(403)
    expect((await w.fan.patch(`${posts}/${post.id}`, { text: 'x' })).status).toBe(403)
    expect((await w.fan.get(`${posts}/${post.id}`)).body.text).toBe('Mine')
  })

  it('deletes a post as a tombstone: gone from reads, text and history erased, event logged', async () => {
    const post = await publish('Leaked call sheet')
    await w.creator.patch(`${posts}/${post.id}`, { text: 'Leaked call sheet (v2)' })
    const res = await w.creator.delete(`${posts}/${post.id}`)
    expect(res.status).toBe(204)

    const got = await w.fan.get(`${posts}/${post.id}`)
    expect(got.status).toBe(404)
    expect(got.body.code).toBe('post-not-found')
    expect((await w.owner.get(`${posts}/${post.id}`)).status).toBe(404)
    const list = await w.fan.get(`${posts}?limit=100`)
    expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(post.id)
    expect((await w.creator.delete(`${posts}/${post.id}`)).status).toBe(404)

    const db = server.ctx.db
    const row = await db.selectFrom('post').selectAll().where('id', '=', post.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'deleted', text: '' })
    expect(row.deleted_at).not.toBeNull()
    const revisions = await db
      .selectFrom('post_revision')
      .selectAll()
      .where('post_id', '=', post.id)
      .execute()
    expect(revisions).toEqual([])
    const events = await channelEvents(server, w.channel)
    expect(events.at(-1)).toMatchObject({ type: 'post.deleted', post_id: post.id, data: { id: post.id } })
    expect(JSON.stringify(events.filter((e) => e.type === 'post.deleted'))).not.toContain('Leaked')
  })

  it("audits staff deleting someone else's post", async () => {
    const post = await publish('Off-brand')
    expect((await w.admin.delete(`${posts}/${post.id}`)).status).toBe(204)
    const audit = await server.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_post_id', '=', post.id)
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      action: 'post.deleted',
      actor_id: w.accounts.admin.account.id,
      target_account_id: w.accounts.creator.account.id,
    })
  })

  it('pins and unpins a post, listing pinned posts in place and on their own', async () => {
    const post = await publish('Pin me')
    await publish('After the pin')
    const pinned = await w.creator2.put(`${posts}/${post.id}/pin`)
    expect(pinned.status).toBe(200)
    expect(pinned.body).toMatchObject({ id: post.id, pinned: true })
    expect(pinned.body.pinnedAt).not.toBeNull()
    let events = await channelEvents(server, w.channel)
    expect(events.at(-1)).toMatchObject({
      type: 'post.pinned',
      data: { id: post.id, pinned: true, pinnedAt: pinned.body.pinnedAt },
    })
    // Pinning again changes nothing and logs nothing.
    expect((await w.creator2.put(`${posts}/${post.id}/pin`)).body.pinnedAt).toBe(pinned.body.pinnedAt)
    expect(await channelEvents(server, w.channel)).toHaveLength(events.length)

    const onlyPinned = await w.fan.get(`${posts}?pinned=true`)
    expect(onlyPinned.body.items.map((p: { id: string }) => p.id)).toEqual([post.id])
    const feed = await w.fan.get(posts)
    expect(feed.body.items[1]).toMatchObject({ id: post.id, pinned: true })

    expect((await w.fan.put(`${posts}/${post.id}/pin`)).status).toBe(403)
    const unpinned = await w.creator.delete(`${posts}/${post.id}/pin`)
    expect(unpinned.body).toMatchObject({ pinned: false, pinnedAt: null })
    events = await channelEvents(server, w.channel)
    expect(events.at(-1)).toMatchObject({
      type: 'post.unpinned',
      data: { id: post.id, pinned: false, pinnedAt: null },
    })
    expect((await w.fan.get(`${posts}?pinned=true`)).body.items).toEqual([])
  })

  it('makes creation idempotent with Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'retry-1' }
    const first = await w.creator.post(posts, { text: 'Only once' }, key)
    expect(first.status).toBe(201)
    const eventsAfterFirst = (await channelEvents(server, w.channel)).length
    const retry = await w.creator.post(posts, { text: 'Only once' }, key)
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual(first.body)
    expect(await channelEvents(server, w.channel)).toHaveLength(eventsAfterFirst)

    const reused = await w.creator.post(posts, { text: 'Something else' }, key)
    expect(reused.status).toBe(422)
    expect(reused.body.code).toBe('idempotency-key-reused')
    // The key belongs to its author: another creator's request with it is a new post.
    expect((await w.creator2.post(posts, { text: 'Only once' }, key)).status).toBe(201)
  })

  it('turns 10 concurrent requests with one Idempotency-Key into one post', async () => {
    const before = (await channelEvents(server, w.channel)).length
    const key = { 'idempotency-key': 'storm-42' }
    const results = await Promise.all(
      Array.from({ length: 10 }, () => w.creator.post(posts, { text: 'Storm' }, key)),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201])
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
    const rows = await server.ctx.db
      .selectFrom('post')
      .select('id')
      .where('idempotency_key', '=', 'storm-42')
      .execute()
    expect(rows).toHaveLength(1)
    expect(await channelEvents(server, w.channel)).toHaveLength(before + 1)
  })

  it('refuses posting to fans, moderators, outsiders, anonymous and read-only tokens', async () => {
    for (const who of [w.fan, w.moderator]) {
      const res = await who.post(posts, { text: 'Let me post' })
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('not-allowed')
    }
    expect((await w.outsider.post(posts, { text: 'x' })).body.code).toBe('not-allowed')
    expect((await w.anonymous.post(posts, { text: 'x' })).status).toBe(401)
    const readOnly = await scopedClient(server, w.accounts.creator.account.id, 'read')
    const res = await readOnly.post(posts, { text: 'x' })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('insufficient-scope')
    expect((await readOnly.get(posts)).status).toBe(200)
  })

  it('hides a private channel and its posts from outsiders', async () => {
    const path = '/api/v1/channels/writers-room/posts'
    const post = await w.owner.post(path, { text: 'Secret table read' })
    expect(post.status).toBe(201)
    const reads = (who: typeof w.fan) => [who.get(path), who.get(`${path}/${post.body.id}`)]
    for (const res of await Promise.all([...reads(w.outsider), ...reads(w.anonymous)])) {
      expect(res.status).toBe(404)
      expect(res.body.code).toBe('channel-not-found')
    }
    const write = await w.outsider.post(path, { text: 'x' })
    expect(write.status).toBe(404)
    expect(write.body.code).toBe('channel-not-found')
  })

  it('refuses new posts in an archived channel', async () => {
    const channel = await seedChannel(server.ctx, w.accounts.owner.account, { slug: 'wrapped' })
    await seedMember(server.ctx, channel, w.accounts.creator.account, 'creator')
    await server.ctx.db
      .updateTable('channel')
      .set({ archived_at: Date.now() })
      .where('id', '=', channel.id)
      .execute()
    const res = await w.creator.post('/api/v1/channels/wrapped/posts', { text: 'Too late' })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('channel-archived')
  })
})
