import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
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

const MARKER = 'EMBARGO-MARKER-8f3a'

/**
 * Issue 6, embargo: a scheduled post is absent from every surface before its time and present in
 * each after, published exactly once (with one event).
 */
describe.each(testDatabases)('an embargoed post (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let post: any
  let mediaId: string
  let stream: StreamClient
  let digestId: string
  /** What this node's committed-event listeners (push enqueues its fan-out there) were handed. */
  const committed: { type: string; postId: string | null | undefined }[] = []
  let publishAt = 0

  const surfaces = async () => {
    const base = server.url
    const url = `${base}/c/the-show/p/${post.id}`
    const get = (path: string) => fetchText(base + path)
    return {
      fanGet: (await w.fan.get(`/api/v1/channels/the-show/posts/${post.id}`)).status,
      anonymousGet: (await w.anonymous.get(`/api/v1/channels/the-show/posts/${post.id}`)).status,
      fanList: JSON.stringify((await w.fan.get('/api/v1/channels/the-show/posts')).body).includes(post.id),
      rss: (await get('/c/the-show/feed.rss')).text.includes(MARKER),
      atom: (await get('/c/the-show/feed.atom')).text.includes(MARKER),
      json: (await get('/c/the-show/feed.json')).text.includes(MARKER),
      feedIds: [(await get('/c/the-show/feed.rss')).text, (await get('/c/the-show/feed.json')).text].some(
        (t) => t.includes(post.id),
      ),
      channelPage: (await get('/c/the-show')).text.includes(post.id),
      postPage: (await get(`/c/the-show/p/${post.id}`)).status,
      imagePage: (await get(`/c/the-show/p/${post.id}/1`)).status,
      oembed: (await get(`/oembed?url=${encodeURIComponent(url)}`)).status,
      embed: (await get(`/embed/p/${post.id}`)).status,
      media: (await get(`/media/${mediaId}/320.jpg`)).status,
      blur: (await get(`/media/${mediaId}/blur.jpg`)).status,
      timelineApi: JSON.stringify((await w.fan.get('/api/v1/channels/the-show/timeline')).body).includes(
        post.id,
      ),
      timelinePage: (await get('/c/the-show/timeline')).text.includes(post.id),
      digestApi: JSON.stringify(
        (await w.fan.get(`/api/v1/channels/the-show/digests/${digestId}`)).body,
      ).includes(post.id),
      digestPage: (await get(`/c/the-show/digests/${digestId}`)).text.includes(post.id),
    }
  }

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    await createPost(w.creator, 'the-show', { text: 'already public' })
    server.ctx.eventLog.onCommitted(async (events) => {
      for (const e of events) committed.push({ type: e.type, postId: e.postId })
    })
    stream = await StreamClient.open(server.url, { token: w.accounts.fan.token })
    await stream.subscribeAndWait('the-show')
    mediaId = (await upload(server, w.accounts.creator.token, 1, { alt: 'The set at night' }))[0]!
    // Far enough ahead for every "before" check to run first, even on a busy machine.
    publishAt = Date.now() + 8000
    post = await createPost(w.creator, 'the-show', {
      text: `${MARKER} — weeks 11–14 wrap`,
      media: [{ id: mediaId }],
      publishAt: new Date(publishAt).toISOString(),
      production: { weeks: { from: 11, to: 14 }, chapters: [8] },
    })
    const digest = await w.owner.post('/api/v1/channels/the-show/digests', {
      title: 'Weeks 11–14 highlights',
      postIds: [post.id],
    })
    expect(digest.status, JSON.stringify(digest.body)).toBe(201)
    digestId = digest.body.id
  })
  afterAll(async () => {
    await stream?.close()
    await server?.destroy()
  })

  it('is scheduled, visible to staff only', async () => {
    expect(post).toMatchObject({
      status: 'scheduled',
      publishedAt: null,
      publishAt: new Date(publishAt).toISOString(),
    })
    const staff = await w.owner.get(`/api/v1/channels/the-show/posts/${post.id}`)
    expect(staff.body.status).toBe('scheduled')
    const schedule = await w.owner.get('/api/v1/channels/the-show/schedule')
    expect(schedule.body.items.map((p: any) => p.id)).toEqual([post.id])
    expect((await w.fan.get('/api/v1/channels/the-show/schedule')).status).toBe(403)
  })

  it('appears nowhere before its time', async () => {
    expect(Date.now()).toBeLessThan(publishAt)
    expect(await surfaces()).toEqual({
      fanGet: 404,
      anonymousGet: 404,
      fanList: false,
      rss: false,
      atom: false,
      json: false,
      feedIds: false,
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
    const events = await server.ctx.db.selectFrom('channel_event').select('post_id').execute()
    expect(events.map((e) => e.post_id)).not.toContain(post.id)
    expect(stream.events('the-show').map((f) => f.event.data.id)).not.toContain(post.id)
    expect(Date.now()).toBeLessThan(publishAt)
  })

  it('is published at its time, exactly once, and then appears everywhere', async () => {
    const frame = await stream.waitFor((f) => f.type === 'event' && f.event.data?.id === post.id, 0, 20_000)
    expect(frame.event.type).toBe('post.published')
    expect(frame.event.at).toBeGreaterThanOrEqual(publishAt)
    expect(await surfaces()).toEqual({
      fanGet: 200,
      anonymousGet: 200,
      fanList: true,
      rss: true,
      atom: true,
      json: true,
      feedIds: true,
      channelPage: true,
      postPage: 200,
      imagePage: 200,
      oembed: 200,
      embed: 200,
      media: 200,
      blur: 200,
      timelineApi: true,
      timelinePage: true,
      digestApi: true,
      digestPage: true,
    })
    const published = await w.fan.get(`/api/v1/channels/the-show/posts/${post.id}`)
    expect(published.body).toMatchObject({ status: 'published', publishedLate: false })
    const events = await server.ctx.db
      .selectFrom('channel_event')
      .select(['type'])
      .where('post_id', '=', post.id)
      .execute()
    expect(events).toEqual([{ type: 'post.published' }])
    // A second subscriber replaying from the start sees it once, too.
    const replay = await StreamClient.open(server.url, { token: w.accounts.fan.token })
    await replay.subscribeAndWait('the-show', { epoch: frame.epoch, seq: 0 })
    expect(replay.events('the-show').filter((f) => f.event.data?.id === post.id)).toHaveLength(1)
    await replay.close()
    expect(stream.events('the-show').filter((f) => f.event.data?.id === post.id)).toHaveLength(1)
    // Notifications: push listens for committed `post.published` on the node that published.
    expect(committed.filter((e) => e.postId === post.id)).toEqual([
      { type: 'post.published', postId: post.id },
    ])
  })
})
