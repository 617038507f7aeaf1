import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  eventsOfType,
  type InteractionWorld,
  postsPath,
  publish,
  seedFans,
  seedInteractionWorld,
} from './interactions.fixture.js'

/** Issue 4, prompts: members answer once, only staff read answers, highlight and hide are events. */
describe.each(testDatabases)('prompts on %s', (kind) => {
  let server: TestServer
  let w: InteractionWorld
  let prompt: { id: string }
  let answers: string
  beforeAll(async () => {
    // Limits apply to this file's requests (the answers bucket is under test below).
    server = await startTestServer(kind, { env: { BACKLOT_RATE_LIMIT_EXEMPT: '' } })
    w = await seedInteractionWorld(server)
    prompt = await publish(w.creator, {
      text: 'Ask us anything',
      prompt: { question: 'What should we film next?' },
    })
    answers = `${postsPath()}/${prompt.id}/answers`
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('takes one answer per member and shows the member their own', async () => {
    expect(prompt).toMatchObject({
      kind: 'prompt',
      prompt: { question: 'What should we film next?', highlighted: [] },
    })
    const sent = await w.fan.post(answers, { text: '  The rooftop scene!  ' })
    expect(sent.status).toBe(201)
    expect(sent.body).toMatchObject({ text: 'The rooftop scene!', highlighted: false })
    expect((await w.fan.post(answers, { text: 'Another one' })).body.code).toBe('answer-exists')
    await w.fan2.post(answers, { text: 'Behind the scenes of the harbour' })
    const mine = (await w.fan.get(`${postsPath()}/${prompt.id}`)).body.prompt
    expect(mine.myAnswer).toMatchObject({ text: 'The rooftop scene!', highlighted: false })
    expect(mine.highlighted).toEqual([])
  })

  it('lets staff read answers, newest first and paginated, and never fans', async () => {
    const page1 = await w.moderator.get(`${answers}?limit=1`)
    expect(page1.status).toBe(200)
    expect(page1.body.items).toMatchObject([
      { text: 'Behind the scenes of the harbour', author: { handle: 'fan2' } },
    ])
    const page2 = await w.moderator.get(`${answers}?limit=1&cursor=${page1.body.nextCursor}`)
    expect(page2.body).toMatchObject({ items: [{ text: 'The rooftop scene!' }], nextCursor: null })
    expect((await w.fan.get(answers)).body.code).toBe('not-allowed')
    expect((await w.outsider.get(answers)).body.code).toBe('not-allowed')
    expect((await w.anonymous.get(answers)).status).toBe(401)
    // The post view never carries other fans' answers.
    const seen = JSON.stringify((await w.fan2.get(`${postsPath()}/${prompt.id}`)).body)
    expect(seen).not.toContain('rooftop')
  })

  it('publishes highlighted answers with the display name, and logs highlight and hide as events', async () => {
    const list = (await w.creator.get(answers)).body.items as { id: string; text: string }[]
    const rooftop = list.find((a) => a.text === 'The rooftop scene!')!
    const harbour = list.find((a) => a.text !== 'The rooftop scene!')!
    const highlighted = await w.creator.put(`${answers}/${rooftop.id}/highlight`)
    expect(highlighted.body).toMatchObject({ id: rooftop.id, highlighted: true, hidden: false })
    await w.creator.put(`${answers}/${rooftop.id}/highlight`) // already highlighted: no second event
    await w.creator.put(`${answers}/${harbour.id}/highlight`)

    const publicView = (await w.anonymous.get(`${postsPath()}/${prompt.id}`)).body.prompt
    expect(publicView.highlighted.map((h: { text: string }) => h.text).sort()).toEqual([
      'Behind the scenes of the harbour',
      'The rooftop scene!',
    ])
    expect(publicView.highlighted.find((h: { id: string }) => h.id === rooftop.id).author).toEqual({
      displayName: 'fan',
    })
    expect((await w.fan.get(`${postsPath()}/${prompt.id}`)).body.prompt.myAnswer.highlighted).toBe(true)

    const hidden = await w.moderator.put(`${answers}/${harbour.id}/hide`)
    expect(hidden.body).toMatchObject({ hidden: true, highlighted: false })
    expect((await w.creator.put(`${answers}/${harbour.id}/highlight`)).body.code).toBe('answer-hidden')
    const afterHide = (await w.anonymous.get(`${postsPath()}/${prompt.id}`)).body.prompt.highlighted
    expect(afterHide.map((h: { id: string }) => h.id)).toEqual([rooftop.id])

    const highlightEvents = await eventsOfType(server, w.channel, 'answer.highlighted')
    expect(highlightEvents.map((e) => e.data.answer.id)).toEqual([rooftop.id, harbour.id])
    expect(highlightEvents[0]!.data).toMatchObject({
      postId: prompt.id,
      answer: { text: 'The rooftop scene!', author: { displayName: 'fan' } },
    })
    const hideEvents = await eventsOfType(server, w.channel, 'answer.hidden')
    expect(hideEvents.map((e) => e.data)).toEqual([{ postId: prompt.id, answerId: harbour.id }])
    const audit = await server.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'answer.hidden')
      .execute()
    expect(audit).toHaveLength(1)

    // Fans cannot curate; a creator cannot hide on someone else's prompt without the permission.
    expect((await w.fan.put(`${answers}/${rooftop.id}/highlight`)).body.code).toBe('not-allowed')
    expect((await w.fan.put(`${answers}/${rooftop.id}/hide`)).body.code).toBe('not-allowed')
    expect((await w.creator.delete(`${answers}/${rooftop.id}/highlight`)).body.highlighted).toBe(false)
    expect(await eventsOfType(server, w.channel, 'answer.unhighlighted')).toHaveLength(1)
  })

  it('rate-limits answers per member', async () => {
    const [fan] = await seedFans(server, w.channel, 1, 'chatty')
    const prompts = []
    for (let i = 0; i < 11; i++) prompts.push(await publish(w.creator, { prompt: { question: `Q${i}` } }))
    const statuses = []
    for (const p of prompts)
      statuses.push((await fan!.client.post(`${postsPath()}/${p.id}/answers`, { text: 'hi' })).status)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201))
    expect(statuses[10]).toBe(429)
    const count = await server.ctx.db
      .selectFrom('prompt_answer')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', fan!.id)
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(10)
  })
})
