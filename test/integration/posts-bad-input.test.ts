import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { type PostWorld, postTables, seedPostWorld } from './posts.fixture.js'

const posts = '/api/v1/channels/set-diary/posts'

/**
 * Every bad request gets a documented problem and changes nothing: each test snapshots the post,
 * history and event tables before and compares after.
 */
describe.each(testDatabases)('bad input to posts on %s', (kind) => {
  let server: TestServer
  let w: PostWorld
  let mine: { id: string }
  let theirs: { id: string }
  beforeAll(async () => {
    server = await startTestServer(kind)
    w = await seedPostWorld(server)
    mine = (await w.creator.post(posts, { text: 'Day 1' })).body
    theirs = (await w.owner.post('/api/v1/channels/writers-room/posts', { text: 'Private note' })).body
  })
  afterAll(async () => {
    await server?.destroy()
  })

  async function expectUnchanged(run: () => Promise<void>) {
    const before = await postTables(server)
    await run()
    expect(await postTables(server)).toEqual(before)
  }

  async function expectProblem(
    res: Promise<{ status: number; headers: Headers; body: any }>,
    status: number,
    code: string,
  ) {
    const { status: got, headers, body } = await res
    expect({ status: got, code: body.code }).toEqual({ status, code })
    expect(headers.get('content-type')).toContain('application/problem+json')
    expect(body.type).toBe(`https://backlot.dev/problems#${code}`)
    return body
  }

  it('refuses malformed JSON, a wrong content type and a 10 MB body', () =>
    expectUnchanged(async () => {
      await expectProblem(w.creator.post(posts, '{"text": "unterminated'), 400, 'malformed-json')
      await expectProblem(
        w.creator.post(posts, 'text=hi', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'unsupported-media-type',
      )
      const huge = JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024) })
      await expectProblem(w.creator.post(posts, huge), 413, 'body-too-large')
    }))

  it('refuses wrong types, unknown fields and missing text with per-field errors', () =>
    expectUnchanged(async () => {
      const wrong = await expectProblem(
        w.creator.post(posts, { text: 42, spoiler: 'yes' }),
        422,
        'validation',
      )
      expect(wrong.errors.map((e: { field: string }) => e.field).sort()).toEqual(['/spoiler', '/text'])
      const unknown = await expectProblem(w.creator.post(posts, { text: 'hi', album: [] }), 422, 'validation')
      expect(unknown.errors).toContainEqual({ in: 'body', field: '/album', message: 'unknown field "album"' })
      await expectProblem(w.creator.post(posts, {}), 422, 'validation')
      await expectProblem(w.creator.post(posts, []), 422, 'validation')
      await expectProblem(w.creator.post(posts, 'null'), 422, 'validation')
    }))

  it('refuses empty, blank, too long and control-character text, and long spoiler labels', () =>
    expectUnchanged(async () => {
      for (const text of ['', '   \n\t ', 'x'.repeat(4097), 'nul\u0000byte', 'bell\u0007']) {
        const body = await expectProblem(w.creator.post(posts, { text }), 422, 'validation')
        expect(body.errors[0].field).toBe('/text')
      }
      // 4096 emoji are 8192 UTF-16 units but 4096 characters: allowed; 4097 are not.
      await expectProblem(w.creator.post(posts, { text: '🎬'.repeat(4097) }), 422, 'validation')
      await expectProblem(
        w.creator.post(posts, { text: 'ok', spoilerLabel: 'x'.repeat(61) }),
        422,
        'validation',
      )
      await expectProblem(w.creator.post(posts, { text: '\uD800 lone half' }), 422, 'validation')
    }))

  it('refuses malformed Idempotency-Key headers', () =>
    expectUnchanged(async () => {
      for (const key of ['has space', 'k'.repeat(201)]) {
        const body = await expectProblem(
          w.creator.post(posts, { text: 'hi' }, { 'idempotency-key': key }),
          422,
          'validation',
        )
        expect(body.errors[0].in).toBe('headers')
      }
    }))

  it('refuses empty and ill-typed edits', () =>
    expectUnchanged(async () => {
      await expectProblem(w.creator.patch(`${posts}/${mine.id}`, {}), 422, 'validation')
      await expectProblem(w.creator.patch(`${posts}/${mine.id}`, { text: '  ' }), 422, 'validation')
      await expectProblem(w.creator.patch(`${posts}/${mine.id}`, { silent: 1 }), 422, 'validation')
      await expectProblem(w.creator.patch(`${posts}/${mine.id}`, { status: 'draft' }), 422, 'validation')
    }))

  it('answers unknown post ids with post-not-found', () =>
    expectUnchanged(async () => {
      const unknown = `${posts}/01J00000000000000000000000`
      await expectProblem(w.fan.get(unknown), 404, 'post-not-found')
      await expectProblem(w.creator.patch(unknown, { text: 'x' }), 404, 'post-not-found')
      await expectProblem(w.creator.delete(unknown), 404, 'post-not-found')
      await expectProblem(w.creator.put(`${unknown}/pin`), 404, 'post-not-found')
      await expectProblem(w.owner.get(`${unknown}/history`), 404, 'post-not-found')
      await expectProblem(w.fan.get(`${posts}/not-a-ulid`), 404, 'post-not-found')
      await expectProblem(w.fan.get('/api/v1/channels/nowhere/posts'), 404, 'channel-not-found')
    }))

  it("never acts on another channel's post through this channel's path", () =>
    expectUnchanged(async () => {
      // The owner may do anything in both channels; the id still has to belong to the path's channel.
      const foreign = `${posts}/${theirs.id}`
      await expectProblem(w.owner.get(foreign), 404, 'post-not-found')
      await expectProblem(w.owner.patch(foreign, { text: 'Rewritten' }), 404, 'post-not-found')
      await expectProblem(w.owner.delete(foreign), 404, 'post-not-found')
      await expectProblem(w.owner.put(`${foreign}/pin`), 404, 'post-not-found')
      await expectProblem(w.owner.get(`${foreign}/history`), 404, 'post-not-found')
    }))

  it('refuses bad paging parameters', () =>
    expectUnchanged(async () => {
      for (const query of [
        'limit=0',
        'limit=101',
        'limit=ten',
        'cursor=bogus',
        'cursor=MTIzOmFiYw',
        'pinned=maybe',
      ]) {
        const body = await expectProblem(w.fan.get(`${posts}?${query}`), 422, 'validation')
        expect(body.errors[0].in).toBe('querystring')
      }
    }))
})
