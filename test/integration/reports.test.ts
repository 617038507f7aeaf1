import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { type PushService, startPushService } from '../_util/push-service.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'
import { albumServerEnv, uploadMany } from './albums.fixture.js'
import { type InteractionWorld, postsPath, publish, seedInteractionWorld } from './interactions.fixture.js'
import { pushTestEnv, register } from './push.fixture.js'

const reports = '/api/v1/channels/set-diary/reports'

/** Issue 17 point 4: reports flow to the staff's queue, are resolved, audited and told to the reporter. */
describe.each(testDatabases)('reports on %s', (kind) => {
  let server: TestServer
  let push: PushService
  let w: InteractionWorld
  let admin: ReturnType<typeof client>
  beforeAll(async () => {
    push = await startPushService()
    // Limits apply to this file's requests (the reports bucket is under test below).
    server = await startTestServer(kind, {
      env: {
        ...pushTestEnv,
        ...albumServerEnv,
        BACKLOT_RATE_LIMIT_EXEMPT: '',
        BACKLOT_RATE_LIMIT_REPORTS: '6/1h',
      },
    })
    w = await seedInteractionWorld(server)
    const operator = await seedAccount(server.ctx, 'operator', { isAdmin: true })
    admin = client(server.url, { token: operator.token })
  })
  afterAll(async () => {
    await server?.destroy()
    await push?.close()
  })

  it('groups reports of a highlighted answer, resolves them with a ban, audits it and tells each reporter', async () => {
    const prompt = await publish(w.creator, { text: 'Ask', prompt: { question: 'Next scene?' } })
    const answers = `${postsPath()}/${prompt.id}/answers`
    const sent = await w.fan.post(answers, { text: 'Rude words here' })
    await w.creator.put(`${answers}/${sent.body.id}/highlight`)
    await register(w.fan2, push.device('fan2-phone', 0))

    const first = await w.fan2.post(reports, {
      kind: 'answer',
      postId: prompt.id,
      answerId: sent.body.id,
      reason: 'spam',
    })
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    expect(first.body).toMatchObject({ reason: 'spam', isNew: true })
    // The same reporter again updates their report; another reporter joins the case.
    const again = await w.fan2.post(reports, {
      kind: 'answer',
      postId: prompt.id,
      answerId: sent.body.id,
      reason: 'harassment',
      comment: '  insults the cast  ',
    })
    expect(again.body).toMatchObject({ caseId: first.body.caseId, isNew: false, comment: 'insults the cast' })
    const third = await w.outsider.post(reports, {
      kind: 'answer',
      postId: prompt.id,
      answerId: sent.body.id,
      reason: 'hate',
    })
    expect(third.body.caseId).toBe(first.body.caseId)

    const queue = await w.moderator.get(reports)
    expect(queue.status).toBe(200)
    expect(queue.body.items).toHaveLength(1)
    expect(queue.body.items[0]).toMatchObject({
      id: first.body.caseId,
      kind: 'answer',
      state: 'open',
      reportCount: 2,
      reasons: { harassment: 1, hate: 1 },
      comments: [{ reason: 'harassment', comment: 'insults the cast' }],
      target: { excerpt: 'Rude words here', author: { handle: 'fan' }, exists: true },
      actions: ['dismiss', 'delete', 'ban'],
    })
    // Reporters stay anonymous to the channel's staff.
    expect(JSON.stringify(queue.body)).not.toContain('fan2')

    const resolved = await w.moderator.post(`${reports}/${first.body.caseId}/resolve`, {
      action: 'ban',
      reason: 'abuse',
    })
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200)
    expect(resolved.body).toMatchObject({
      state: 'resolved',
      resolution: 'banned',
      resolvedBy: 'mod',
      target: { exists: false },
    })
    expect(
      (await w.moderator.post(`${reports}/${first.body.caseId}/resolve`, { action: 'dismiss' })).body.code,
    ).toBe('report-resolved')
    // The author is banned and the answer no longer shown.
    expect((await w.fan.get(postsPath())).body.code).toBe('banned')
    expect((await w.anonymous.get(`${postsPath()}/${prompt.id}`)).body.prompt.highlighted).toEqual([])

    const audit = (await w.owner.get('/api/v1/channels/set-diary/audit-log')).body.items as {
      action: string
      details: Record<string, unknown>
    }[]
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['report.resolved', 'member.banned']))
    expect(audit.find((e) => e.action === 'report.resolved')!.details).toMatchObject({
      item: 'answer',
      resolution: 'banned',
      reports: 2,
    })

    const notices = await w.fan2.get('/api/v1/me/notices')
    expect(notices.body).toMatchObject({
      unread: 1,
      items: [
        {
          kind: 'report-resolved',
          item: 'answer',
          resolution: 'banned',
          channel: { slug: 'set-diary' },
          read: false,
        },
      ],
    })
    expect((await w.outsider.get('/api/v1/me/notices')).body.items).toHaveLength(1)
    expect((await w.fan2.post('/api/v1/me/notices/read')).status).toBe(204)
    expect((await w.fan2.get('/api/v1/me/notices')).body.unread).toBe(0)
    await waitUntil(() => push.messages('fan2-phone').length > 0)
    expect(push.messages('fan2-phone')[0]!.payload).toMatchObject({
      title: 'Your report',
      body: expect.stringContaining('was banned'),
    })
  })

  it('refuses the queue to fans, creators, outsiders and anonymous visitors', async () => {
    expect((await w.fan2.get(reports)).body.code).toBe('not-allowed')
    expect((await w.creator.get(reports)).body.code).toBe('not-allowed')
    expect((await w.outsider.get(reports)).status).toBe(403)
    expect((await w.anonymous.get(reports)).status).toBe(401)
    expect((await w.anonymous.post(reports, { kind: 'channel', reason: 'spam' })).status).toBe(401)
    // A private channel's queue is as missing as the channel for outsiders.
    expect((await w.outsider.get('/api/v1/channels/writers-room/reports')).body.code).toBe(
      'channel-not-found',
    )
  })

  it('deletes a reported image everywhere and a reported post through the usual deletion', async () => {
    const [a, b] = await uploadMany(server, w.accounts.owner.token, 2, { alt: 'Set photo' })
    const album = await publish(w.owner, { text: 'Day 3', media: [{ id: a!.id }, { id: b!.id }] })
    const image = await w.fan2.post(reports, {
      kind: 'image',
      postId: album.id,
      mediaId: b!.id,
      reason: 'spoiler',
    })
    expect(image.status).toBe(201)
    const text = await publish(w.creator, { text: 'Leaked script page' })
    const post = await w.fan2.post(reports, { kind: 'post', postId: text.id, reason: 'spoiler' })
    // Moderators may not delete posts: the action is not theirs.
    const modView = (await w.moderator.get(reports)).body.items.find(
      (c: { id: string }) => c.id === post.body.caseId,
    )
    expect(modView.actions).toEqual(['dismiss'])
    expect(
      (await w.moderator.post(`${reports}/${post.body.caseId}/resolve`, { action: 'delete' })).body.code,
    ).toBe('not-allowed')
    expect((await w.owner.post(`${reports}/${post.body.caseId}/resolve`, { action: 'ban' })).status).toBe(422)

    expect((await w.owner.post(`${reports}/${image.body.caseId}/resolve`, { action: 'delete' })).status).toBe(
      200,
    )
    const after = await w.anonymous.get(`${postsPath()}/${album.id}`)
    expect(after.body.media.map((m: { id: string }) => m.id)).toEqual([a!.id])
    const kept = after.body.media[0].variants[0].url as string
    expect((await w.anonymous.get(new URL(kept).pathname)).status).toBe(200)
    expect((await w.anonymous.get(new URL(kept.replace(a!.id, b!.id)).pathname)).status).toBe(404)

    expect((await w.owner.post(`${reports}/${post.body.caseId}/resolve`, { action: 'delete' })).status).toBe(
      200,
    )
    expect((await w.anonymous.get(`${postsPath()}/${text.id}`)).status).toBe(404)
    const resolved = (await w.owner.get(`${reports}?state=resolved`)).body.items as {
      id: string
      target: { excerpt: string | null }
    }[]
    // The queue keeps no copy of deleted content.
    expect(resolved.find((c) => c.id === post.body.caseId)!.target.excerpt).toBeNull()
    expect(
      (await w.fan2.get('/api/v1/me/notices')).body.items.map((n: { resolution: string }) => n.resolution),
    ).toEqual(['deleted', 'deleted', 'banned'])
  })

  it('checks the body and rate-limits reports', async () => {
    const flagger = client(server.url, { token: (await seedAccount(server.ctx, 'flagger')).token })
    expect((await flagger.post(reports, { kind: 'channel', reason: 'impersonation' })).status).toBe(201)
    const bad = await flagger.post(reports, { kind: 'post', reason: 'spam' })
    expect(bad.status).toBe(422)
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: '/postId' })])
    expect((await flagger.post(reports, { kind: 'post', postId: 'x', reason: 'boring' })).status).toBe(422)
    expect(
      (await flagger.post(reports, { kind: 'channel', reason: 'other', comment: 'x'.repeat(501) })).status,
    ).toBe(422)
    const unknown = { kind: 'post', postId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', reason: 'spam' }
    expect((await flagger.post(reports, unknown)).body.code).toBe('post-not-found')
    // Six a window (this file's setting): the sixth request so far is let through, the seventh is not.
    expect((await flagger.post(reports, { kind: 'channel', reason: 'other' })).status).toBe(201)
    const refused = await flagger.post(reports, { kind: 'channel', reason: 'spam' })
    expect(refused.status).toBe(429)
    expect(refused.body.code).toBe('rate-limited')
    const open = await server.ctx.db
      .selectFrom('report')
      .select('reason')
      .where(
        'reporter_id',
        '=',
        (
          await server.ctx.db
            .selectFrom('account')
            .select('id')
            .where('handle', '=', 'flagger')
            .executeTakeFirstOrThrow()
        ).id,
      )
      .execute()
    // Reporting the channel twice kept one report, updated to the later reason.
    expect(open.map((r) => r.reason)).toEqual(['other'])
  })

  it('sends channel reports to the operators, who suspend it: 404 everywhere, streams end, staff see why', async () => {
    const slug = 'set-diary'
    const text = await publish(w.creator, { text: 'Still here' })
    const stream = await StreamClient.open(server.url, { token: w.accounts.fan2.token })
    stream.subscribe(slug)
    await stream.waitFor((f) => f.type === 'subscribed')

    expect((await w.owner.get(reports)).body.items.some((c: { kind: string }) => c.kind === 'channel')).toBe(
      false,
    )
    expect((await w.owner.get('/api/v1/admin/reports')).body.code).toBe('not-server-admin')
    const queue = await admin.get('/api/v1/admin/reports')
    expect(queue.status).toBe(200)
    const found = queue.body.items.find((c: { channel: { slug: string } }) => c.channel.slug === slug)
    expect(found).toMatchObject({ kind: 'channel', actions: ['dismiss', 'hide', 'suspend'] })
    const done = await admin.post(`/api/v1/admin/reports/${found.id}/resolve`, {
      action: 'suspend',
      reason: 'Leaks',
    })
    expect(done.status, JSON.stringify(done.body)).toBe(200)

    await stream.waitFor((f) => f.type === 'unsubscribed' && f.reason === 'channel-suspended')
    stream.ws.close()
    for (const path of [
      `/api/v1/channels/${slug}`,
      `${postsPath()}/${text.id}`,
      `/c/${slug}`,
      `/c/${slug}/p/${text.id}`,
      `/c/${slug}/feed.rss`,
      `/c/${slug}/feed.json`,
      `/embed/p/${text.id}`,
      `/oembed?url=${encodeURIComponent(`${server.url}/c/${slug}/p/${text.id}`)}`,
    ]) {
      expect((await w.anonymous.get(path)).status, path).toBe(404)
    }
    expect((await w.fan.get(`/api/v1/channels/${slug}`)).body.code).toBe('channel-not-found')
    const staff = await w.moderator.get(`/api/v1/channels/${slug}`)
    expect(staff.status).toBe(404)
    expect(staff.body).toMatchObject({ code: 'channel-suspended', reason: 'Leaks' })
    expect(
      (await w.anonymous.get('/api/v1/channels')).body.items.map((c: { slug: string }) => c.slug),
    ).not.toContain(slug)
    const audit = await server.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('channel_id', '=', w.channel.id)
      .execute()
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['channel.suspended', 'report.resolved']),
    )

    expect((await admin.delete(`/api/v1/admin/channels/${slug}/suspension`)).body.state).toBe('active')
    expect((await w.anonymous.get(`/c/${slug}`)).status).toBe(200)
    // Hidden: listed nowhere public, still reachable by its address.
    expect((await admin.put(`/api/v1/admin/channels/${slug}/hidden`)).body.state).toBe('hidden')
    expect(
      (await w.anonymous.get('/api/v1/channels')).body.items.map((c: { slug: string }) => c.slug),
    ).not.toContain(slug)
    expect((await w.anonymous.get(`/api/v1/channels/${slug}`)).status).toBe(200)
    expect((await admin.delete(`/api/v1/admin/channels/${slug}/hidden`)).body.state).toBe('active')
  })
})

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20))
}
