import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'
import {
  createPost,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  upload,
} from './press.fixture.js'

const MARKER = 'REVIEW-MARKER-61c2'
const base = '/api/v1/channels/the-show'
const soon = (ms: number) => new Date(Date.now() + ms).toISOString()

/**
 * Issue 16 point 2, sign-off: in a channel that requires approval, a creator's post goes draft →
 * in review → approved (published now or scheduled) or returned with a comment; every step is in the
 * audit log, and a post in review is absent from every surface outside the staff's API.
 */
describe.each(testDatabases)('sign-off of creators’ posts (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let stream: StreamClient
  let second: ReturnType<typeof client>
  let admin: ReturnType<typeof client>
  let moderator: ReturnType<typeof client>
  /** What this node's committed-event listeners (push enqueues its fan-out there) were handed. */
  const committed: (string | null | undefined)[] = []

  const audit = async (postId: string) =>
    ((await w.owner.get(`${base}/audit-log?limit=100`)).body.items as any[])
      .filter((e) => e.targetPostId === postId)
      .map((e) => ({ action: e.action, actor: e.actorHandle, target: e.targetHandle, details: e.details }))
      .reverse()

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    const other = await seedAccount(server.ctx, 'second-unit')
    await seedMember(server.ctx, w.channel, other.account, 'creator')
    second = client(server.url, { token: other.token })
    const adminAccount = await seedAccount(server.ctx, 'line-producer')
    await seedMember(server.ctx, w.channel, adminAccount.account, 'admin')
    admin = client(server.url, { token: adminAccount.token })
    const modAccount = await seedAccount(server.ctx, 'community-mod')
    await seedMember(server.ctx, w.channel, modAccount.account, 'moderator')
    moderator = client(server.url, { token: modAccount.token })
    server.ctx.eventLog.onCommitted(async (events) => {
      for (const e of events) committed.push(e.postId)
    })
    stream = await StreamClient.open(server.url, { token: w.accounts.fan.token })
    await stream.subscribeAndWait('the-show')
  })
  afterAll(async () => {
    await stream?.close()
    await server?.destroy()
  })

  it('is a channel setting the owner turns on, shown to staff only', async () => {
    expect((await w.creator.patch(base, { requireApproval: true })).status).toBe(403)
    const before = await w.owner.get(base)
    expect(before.body.requireApproval).toBe(false)
    const on = await w.owner.patch(base, { requireApproval: true })
    expect(on.status, JSON.stringify(on.body)).toBe(200)
    expect(on.body.requireApproval).toBe(true)
    expect((await w.creator.get(base)).body.requireApproval).toBe(true)
    expect((await w.fan.get(base)).body).not.toHaveProperty('requireApproval')
    expect((await w.anonymous.get(base)).body).not.toHaveProperty('requireApproval')
  })

  it('refuses a creator publishing or scheduling directly, and changes nothing', async () => {
    const count = async () => (await server.ctx.db.selectFrom('post').select('id').execute()).length
    const before = await count()
    for (const body of [
      { text: 'now' },
      { text: 'later', publishAt: soon(60_000) },
      { text: 'x', status: 'published' },
    ]) {
      const res = await w.creator.post(`${base}/posts`, body)
      expect(res.status, JSON.stringify(body)).toBe(403)
      expect(res.body.code).toBe('approval-required')
      expect(res.body.detail).toContain('submit it for review')
    }
    expect(await count()).toBe(before)
    const draft = await createPost(w.creator, 'the-show', { text: 'a draft', status: 'draft' })
    const publish = await w.creator.post(`${base}/posts/${draft.id}/publish`)
    expect([publish.status, publish.body.code]).toEqual([403, 'approval-required'])
    const schedule = await w.creator.put(`${base}/posts/${draft.id}/schedule`, { publishAt: soon(60_000) })
    expect([schedule.status, schedule.body.code]).toEqual([403, 'approval-required'])
    expect((await w.creator.get(`${base}/posts/${draft.id}`)).body.status).toBe('draft')
    // Owners and admins publish as before.
    await createPost(w.owner, 'the-show', { text: 'from the showrunner' })
  })

  it('takes the seed row end to end: draft → submitted → approved → scheduled → published', async () => {
    const mediaId = (await upload(server, w.accounts.creator.token, 1, { alt: 'Stage 4 at night' }))[0]!
    const draft = await createPost(w.creator, 'the-show', {
      status: 'draft',
      text: `${MARKER} weeks 11–14`,
      media: [{ id: mediaId }],
      production: { weeks: { from: 11, to: 14 }, chapters: [8] },
    })
    expect(draft.review).toBeUndefined()
    const intended = soon(3_600_000)
    const submitted = await w.creator.post(`${base}/posts/${draft.id}/review`, { publishAt: intended })
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200)
    expect(submitted.body).toMatchObject({
      status: 'in_review',
      publishAt: intended,
      publishedAt: null,
      review: { state: 'in_review', comment: null, by: { handle: 'cocreator' } },
    })
    expect(submitted.body.review.submittedAt).toBe(submitted.body.review.at)

    // The review queue: the owner sees it; the author sees their own; another creator does not.
    const queue = await w.owner.get(`${base}/reviews`)
    expect(queue.body.items.map((p: any) => p.id)).toEqual([draft.id])
    expect(queue.body.items[0].review.state).toBe('in_review')
    expect((await w.creator.get(`${base}/reviews`)).body.items.map((p: any) => p.id)).toEqual([draft.id])
    expect((await second.get(`${base}/reviews`)).body.items).toEqual([])
    expect((await w.fan.get(`${base}/reviews`)).status).toBe(403)

    // The approver moves the embargo closer; the post is scheduled for that time.
    const publishAt = Date.now() + 3000
    const approved = await w.owner.post(`${base}/posts/${draft.id}/approve`, {
      publishAt: new Date(publishAt).toISOString(),
    })
    expect(approved.status, JSON.stringify(approved.body)).toBe(200)
    expect(approved.body).toMatchObject({
      status: 'scheduled',
      publishAt: new Date(publishAt).toISOString(),
      review: { state: 'approved', comment: null, by: { handle: 'showrunner' } },
    })
    expect((await w.owner.get(`${base}/reviews`)).body.items).toEqual([])
    expect((await w.fan.get(`${base}/posts/${draft.id}`)).status).toBe(404)

    const frame = await stream.waitFor((f) => f.type === 'event' && f.event.data?.id === draft.id, 0, 20_000)
    expect(frame.event.type).toBe('post.published')
    expect(frame.event.data).not.toHaveProperty('review')
    const published = await w.fan.get(`${base}/posts/${draft.id}`)
    expect(published.body).toMatchObject({ status: 'published', text: `${MARKER} weeks 11–14` })
    expect(published.body).not.toHaveProperty('review')
    expect(committed.filter((id) => id === draft.id)).toHaveLength(1)

    expect(await audit(draft.id)).toEqual([
      {
        action: 'post.submitted',
        actor: 'cocreator',
        target: 'cocreator',
        details: { publishAt: intended },
      },
      {
        action: 'post.approved',
        actor: 'showrunner',
        target: 'cocreator',
        details: { outcome: 'scheduled', publishAt: new Date(publishAt).toISOString() },
      },
    ])
  })

  it('publishes at once when approved without a time, with its event', async () => {
    const draft = await createPost(w.creator, 'the-show', { text: 'straight out', status: 'draft' })
    expect((await w.creator.post(`${base}/posts/${draft.id}/review`, {})).body.status).toBe('in_review')
    const approved = await w.owner.post(`${base}/posts/${draft.id}/approve`, {})
    expect(approved.body).toMatchObject({
      status: 'published',
      publishAt: null,
      review: { state: 'approved' },
    })
    const frame = await stream.waitFor((f) => f.type === 'event' && f.event.data?.id === draft.id)
    expect(frame.event.type).toBe('post.published')
    expect((await w.fan.get(`${base}/posts/${draft.id}`)).status).toBe(200)
    expect((await audit(draft.id)).map((e) => e.details)).toEqual([
      { publishAt: null },
      { outcome: 'published', publishAt: null },
    ])
  })

  it('returns a post to its author with a comment, and lets the author withdraw', async () => {
    const draft = await createPost(w.creator, 'the-show', { text: 'needs work', status: 'draft' })
    await w.creator.post(`${base}/posts/${draft.id}/review`, {})
    const returned = await w.owner.post(`${base}/posts/${draft.id}/return`, {
      comment: '  Blur the call sheet in image 2.  ',
    })
    expect(returned.status, JSON.stringify(returned.body)).toBe(200)
    expect(returned.body).toMatchObject({
      status: 'draft',
      review: { state: 'returned', comment: 'Blur the call sheet in image 2.', by: { handle: 'showrunner' } },
    })
    // The author reads the comment on the post, and in the staff's list of drafts.
    const mine = await w.creator.get(`${base}/posts/${draft.id}`)
    expect(mine.body.review.comment).toBe('Blur the call sheet in image 2.')
    const drafts = (await w.creator.get(`${base}/schedule`)).body.items.find((p: any) => p.id === draft.id)
    expect(drafts.review.state).toBe('returned')
    expect((await w.fan.get(`${base}/posts/${draft.id}`)).status).toBe(404)

    // Edited and resubmitted, then withdrawn by the author.
    expect((await w.creator.patch(`${base}/posts/${draft.id}`, { text: 'fixed' })).status).toBe(200)
    const again = await w.creator.post(`${base}/posts/${draft.id}/review`, {})
    expect(again.body.review).toMatchObject({ state: 'in_review', comment: null })
    const withdrawn = await w.creator.delete(`${base}/posts/${draft.id}/review`)
    expect(withdrawn.body).toMatchObject({
      status: 'draft',
      review: { state: 'withdrawn', by: { handle: 'cocreator' } },
    })

    expect((await audit(draft.id)).map((e) => [e.action, e.actor])).toEqual([
      ['post.submitted', 'cocreator'],
      ['post.returned', 'showrunner'],
      ['post.submitted', 'cocreator'],
      ['post.withdrawn', 'cocreator'],
    ])
    expect(committed).not.toContain(draft.id)

    // Deleting the post erases its review (a comment may quote it).
    expect((await w.creator.delete(`${base}/posts/${draft.id}`)).status).toBe(204)
    const rows = await server.ctx.db
      .selectFrom('post_review')
      .select('post_id')
      .where('post_id', '=', draft.id)
      .execute()
    expect(rows).toEqual([])
  })

  it('refuses steps out of turn or out of role, and changes nothing', async () => {
    const draft = await createPost(w.creator, 'the-show', { text: 'refusals', status: 'draft' })
    const notInReview = await w.owner.post(`${base}/posts/${draft.id}/approve`, {})
    expect([notInReview.status, notInReview.body.code]).toEqual([409, 'post-not-in-review'])
    const returnDraft = await w.owner.post(`${base}/posts/${draft.id}/return`, { comment: 'no' })
    expect([returnDraft.status, returnDraft.body.code]).toEqual([409, 'post-not-in-review'])
    const withdrawDraft = await w.creator.delete(`${base}/posts/${draft.id}/review`)
    expect([withdrawDraft.status, withdrawDraft.body.code]).toEqual([409, 'post-not-in-review'])
    const notAuthor = await second.post(`${base}/posts/${draft.id}/review`, {})
    expect([notAuthor.status, notAuthor.body.code]).toEqual([403, 'not-allowed'])
    const past = await w.creator.post(`${base}/posts/${draft.id}/review`, { publishAt: soon(-1000) })
    expect(past.status).toBe(422)

    await w.creator.post(`${base}/posts/${draft.id}/review`, {})
    const asCreator = await w.creator.post(`${base}/posts/${draft.id}/approve`, {})
    expect([asCreator.status, asCreator.body.code]).toEqual([403, 'not-allowed'])
    expect((await w.creator.post(`${base}/posts/${draft.id}/return`, { comment: 'mine' })).status).toBe(403)
    expect((await w.fan.post(`${base}/posts/${draft.id}/approve`, {})).status).toBe(403)
    expect((await moderator.post(`${base}/posts/${draft.id}/approve`, {})).status).toBe(403)
    expect((await moderator.get(`${base}/reviews`)).status).toBe(403)
    expect((await w.anonymous.get(`${base}/reviews`)).status).toBe(401)
    for (const body of [
      {},
      { comment: '' },
      { comment: '   ' },
      { comment: 'x'.repeat(1001) },
      { comment: 'bell \u0007' },
    ]) {
      const res = await w.owner.post(`${base}/posts/${draft.id}/return`, body)
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([422, 'validation'])
    }
    const twice = await w.creator.post(`${base}/posts/${draft.id}/review`, {})
    expect([twice.status, twice.body.code]).toEqual([409, 'post-not-draft'])
    const otherWithdraws = await second.delete(`${base}/posts/${draft.id}/review`)
    expect(otherWithdraws.status).toBe(403)
    // In review, it is neither scheduled nor published by the other routes, even by the owner.
    const publish = await w.owner.post(`${base}/posts/${draft.id}/publish`)
    expect([publish.status, publish.body.code]).toEqual([409, 'post-in-review'])
    const schedule = await w.owner.put(`${base}/posts/${draft.id}/schedule`, { publishAt: soon(60_000) })
    expect([schedule.status, schedule.body.code]).toEqual([409, 'post-in-review'])

    const post = await w.owner.get(`${base}/posts/${draft.id}`)
    expect(post.body).toMatchObject({ status: 'in_review', review: { state: 'in_review' } })
    expect((await audit(draft.id)).map((e) => e.action)).toEqual(['post.submitted'])
    expect(committed).not.toContain(draft.id)
    const published = await createPost(w.owner, 'the-show', { text: 'already out' })
    const notDraft = await w.owner.post(`${base}/posts/${published.id}/review`, {})
    expect([notDraft.status, notDraft.body.code]).toEqual([409, 'post-not-draft'])
    // An admin may approve and return too.
    expect((await admin.get(`${base}/reviews`)).body.items.map((p: any) => p.id)).toEqual([draft.id])
    const byAdmin = await admin.post(`${base}/posts/${draft.id}/return`, { comment: 'Not this week.' })
    expect(byAdmin.body).toMatchObject({
      status: 'draft',
      review: { state: 'returned', by: { handle: 'line-producer' } },
    })
  })

  it('pages the review queue oldest first', async () => {
    const ids: string[] = []
    for (const [who, text] of [
      [w.creator, 'q1'],
      [second, 'q2'],
      [w.creator, 'q3'],
    ] as const) {
      const draft = await createPost(who, 'the-show', { text, status: 'draft' })
      expect((await who.post(`${base}/posts/${draft.id}/review`, {})).status).toBe(200)
      ids.push(draft.id)
    }
    const first = await w.owner.get(`${base}/reviews?limit=2`)
    expect(first.body.items.map((p: any) => p.id)).toEqual(ids.slice(0, 2))
    expect(first.body.nextCursor).toEqual(expect.any(String))
    const next = await w.owner.get(`${base}/reviews?limit=2&cursor=${first.body.nextCursor}`)
    expect(next.body).toMatchObject({ nextCursor: null })
    expect(next.body.items.map((p: any) => p.id)).toEqual(ids.slice(2))
    expect((await w.creator.get(`${base}/reviews`)).body.items.map((p: any) => p.id)).toEqual([
      ids[0],
      ids[2],
    ])
    expect((await second.get(`${base}/reviews`)).body.items.map((p: any) => p.id)).toEqual([ids[1]])
    const bad = await w.owner.get(`${base}/reviews?cursor=nonsense`)
    expect([bad.status, bad.body.code]).toEqual([422, 'validation'])
  })
})

/** A post in review is unpublished on every surface: as absent as a draft (docs/api.md). */
describe.each(testDatabases)('a post in review (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let post: any
  let mediaId: string
  let digestId: string
  let stream: StreamClient
  const committed: (string | null | undefined)[] = []

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    await w.owner.patch(base, { requireApproval: true })
    await createPost(w.owner, 'the-show', { text: 'already public' })
    server.ctx.eventLog.onCommitted(async (events) => {
      for (const e of events) committed.push(e.postId)
    })
    stream = await StreamClient.open(server.url, { token: w.accounts.fan.token })
    await stream.subscribeAndWait('the-show')
    mediaId = (await upload(server, w.accounts.creator.token, 1, { alt: 'Wrap party' }))[0]!
    post = await createPost(w.creator, 'the-show', {
      status: 'draft',
      text: `${MARKER} in review`,
      media: [{ id: mediaId }],
      production: { weeks: { from: 11, to: 14 }, chapters: [8] },
    })
    const digest = await w.owner.post(`${base}/digests`, { title: 'Weeks 11–14', postIds: [post.id] })
    expect(digest.status, JSON.stringify(digest.body)).toBe(201)
    digestId = digest.body.id
    const res = await w.creator.post(`${base}/posts/${post.id}/review`, { publishAt: soon(3_600_000) })
    expect(res.body.status).toBe('in_review')
  })
  afterAll(async () => {
    await stream?.close()
    await server?.destroy()
  })

  it('appears on no public surface, stream or notification', async () => {
    const url = `${server.url}/c/the-show/p/${post.id}`
    const get = (path: string) => fetchText(server.url + path)
    const surfaces = {
      fanGet: (await w.fan.get(`${base}/posts/${post.id}`)).status,
      anonymousGet: (await w.anonymous.get(`${base}/posts/${post.id}`)).status,
      fanList: JSON.stringify((await w.fan.get(`${base}/posts`)).body).includes(post.id),
      rss: (await get('/c/the-show/feed.rss')).text.includes(MARKER),
      atom: (await get('/c/the-show/feed.atom')).text.includes(MARKER),
      json: (await get('/c/the-show/feed.json')).text.includes(MARKER),
      channelPage: (await get('/c/the-show')).text.includes(post.id),
      postPage: (await get(`/c/the-show/p/${post.id}`)).status,
      imagePage: (await get(`/c/the-show/p/${post.id}/1`)).status,
      oembed: (await get(`/oembed?url=${encodeURIComponent(url)}`)).status,
      embed: (await get(`/embed/p/${post.id}`)).status,
      media: (await get(`/media/${mediaId}/320.jpg`)).status,
      blur: (await get(`/media/${mediaId}/blur.jpg`)).status,
      timelineApi: JSON.stringify((await w.fan.get(`${base}/timeline`)).body).includes(post.id),
      timelinePage: (await get('/c/the-show/timeline')).text.includes(post.id),
      digestApi: JSON.stringify((await w.fan.get(`${base}/digests/${digestId}`)).body).includes(post.id),
      digestPage: (await get(`/c/the-show/digests/${digestId}`)).text.includes(post.id),
    }
    expect(surfaces).toEqual({
      fanGet: 404,
      anonymousGet: 404,
      fanList: false,
      rss: false,
      atom: false,
      json: false,
      channelPage: false,
      postPage: 404,
      imagePage: 404,
      oembed: 404,
      embed: 404,
      media: 404,
      blur: 404,
      timelineApi: false,
      timelinePage: false,
      digestApi: false,
      digestPage: false,
    })
    // Staff still see it, with its intended time.
    const staff = await w.owner.get(`${base}/posts/${post.id}`)
    expect(staff.body).toMatchObject({ status: 'in_review', review: { state: 'in_review' } })
    expect(staff.body.publishAt).toEqual(expect.any(String))
    // No event, so nothing reached streams, feeds' readers or push.
    const events = await server.ctx.db.selectFrom('channel_event').select('post_id').execute()
    expect(events.map((e) => e.post_id)).not.toContain(post.id)
    expect(committed).not.toContain(post.id)
    expect(stream.events('the-show').map((f) => f.event.data?.id)).not.toContain(post.id)
  })
})
