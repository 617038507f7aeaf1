import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkPasswordNotCommon } from '../accounts/index.js'
import { normaliseSlug } from '../channels/index.js'
import { fail } from '../errors.js'
import { invalidCursor } from '../util/pagination.js'
import { registerErrorHandler } from './error-handler.js'
import { refuseRequest } from './problem-error.js'

const slugParams = { type: 'object', properties: { slug: { type: 'string' } } }

/** A bare app with the API's error edge and routes that throw what services and the edge throw. */
function edgeApp() {
  const app = Fastify()
  registerErrorHandler(app)
  const pageQuery = { type: 'object', properties: { cursor: { type: 'string' } } }
  app.get('/channels/:slug/posts', { schema: { params: slugParams, querystring: pageQuery } }, async () =>
    invalidCursor(),
  )
  const passwordBody = { type: 'object', properties: { password: { type: 'string' } } }
  app.post('/accounts', { schema: { body: passwordBody } }, async () =>
    checkPasswordNotCommon('password1234'),
  )
  const slugBody = { type: 'object', properties: { slug: { type: 'string' } } }
  app.patch('/channels/:slug', { schema: { params: slugParams, body: slugBody } }, async (req) =>
    normaliseSlug((req.body as { slug: string }).slug),
  )
  app.get('/channels/:slug', { schema: { params: slugParams } }, async () =>
    fail('validation', 'Invalid slug.', { errors: [{ field: '/slug', message: 'is wrong' }] }),
  )
  // Like the media upload: a multipart form, so no body schema.
  app.post('/media', async () =>
    fail('validation', 'Invalid body.', {
      errors: [
        { field: '/file', message: 'is required' },
        { field: '', message: 'send one file' },
      ],
    }),
  )
  app.post('/sessions', async () => fail('login-throttled', 'Wait.', { retryAfterSeconds: 42 }))
  app.get('/stream', async () => refuseRequest('csrf-rejected', 'Not from here.'))
  app.get('/events', async () => refuseRequest('too-many-streams', 'Close one.'))
  return app
}

describe('the API edge renders domain errors as problems', () => {
  const app = edgeApp()
  beforeAll(() => app.ready())
  afterAll(() => app.close())

  it('answers a bad cursor with the documented problem, byte for byte, naming the query field', async () => {
    const res = await app.inject('/channels/the-show/posts?cursor=bogus')
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(res.body).toBe(
      '{"type":"https://backlot.dev/problems#validation","title":"The request has invalid fields",' +
        '"status":422,"detail":"Invalid query: cursor is not one this server handed out.","code":"validation",' +
        '"errors":[{"in":"querystring","field":"/cursor","message":"is not a valid cursor"}],' +
        '"instance":"/channels/the-show/posts"}',
    )
  })

  it('places a field the body declares in the body, even when a path parameter has its name', async () => {
    const leaked = await app.inject({
      method: 'POST',
      url: '/accounts',
      payload: { password: 'password1234' },
    })
    expect(leaked.statusCode).toBe(422)
    expect(leaked.json()).toMatchObject({
      code: 'password-too-common',
      errors: [{ in: 'body', field: '/password', message: 'appears in lists of leaked passwords' }],
    })
    const reserved = await app.inject({ method: 'PATCH', url: '/channels/api', payload: { slug: 'api' } })
    expect(reserved.json().errors).toEqual([{ in: 'body', field: '/slug', message: 'is reserved' }])
  })

  it('places a field only the path declares in params, and one no schema declares in the body', async () => {
    expect((await app.inject('/channels/the-show')).json().errors).toEqual([
      { in: 'params', field: '/slug', message: 'is wrong' },
    ])
    // Whatever the client adds to the query does not move a field out of the body.
    expect((await app.inject({ method: 'POST', url: '/media?file=x' })).json().errors).toEqual([
      { in: 'body', field: '/file', message: 'is required' },
      { in: 'body', field: '', message: 'send one file' },
    ])
  })

  it('sends Retry-After with a too-many refusal that says when', async () => {
    const res = await app.inject({ method: 'POST', url: '/sessions' })
    expect(res.statusCode).toBe(429)
    expect(res.headers['retry-after']).toBe('42')
    expect(res.json()).toMatchObject({ code: 'login-throttled', retryAfterSeconds: 42 })
    const streams = await app.inject('/events')
    expect(streams.statusCode).toBe(429)
    expect(streams.headers['retry-after']).toBeUndefined()
  })

  it("answers the edge's own refusals from the catalog", async () => {
    const res = await app.inject('/stream')
    expect(res.statusCode).toBe(403)
    expect(res.json()).toEqual({
      type: 'https://backlot.dev/problems#csrf-rejected',
      title: 'Cross-site request refused',
      status: 403,
      detail: 'Not from here.',
      code: 'csrf-rejected',
      instance: '/stream',
    })
  })
})
