import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { publish, seedInteractionWorld } from './interactions.fixture.js'

/**
 * Issue "One direction of dependencies", item 4: one pagination module, one answer to a bad cursor.
 * The lists are found in the OpenAPI document (every GET with a `cursor` query parameter), so a
 * list added later is held to the same answer without touching this test.
 */
interface OpenApi {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>
}

/** The lists of the API today; a new one must be added here on purpose. */
const knownLists = [
  '/api/v1/admin/reports',
  '/api/v1/channels',
  '/api/v1/channels/{slug}/audit-log',
  '/api/v1/channels/{slug}/bans',
  '/api/v1/channels/{slug}/digests/{digestId}/press-kits',
  '/api/v1/channels/{slug}/invites',
  '/api/v1/channels/{slug}/join-requests',
  '/api/v1/channels/{slug}/members',
  '/api/v1/channels/{slug}/posts',
  '/api/v1/channels/{slug}/posts/{id}/answers',
  '/api/v1/channels/{slug}/posts/{id}/press-kits',
  '/api/v1/channels/{slug}/posts/{id}/reactions',
  '/api/v1/channels/{slug}/reports',
  '/api/v1/channels/{slug}/reviews',
  '/api/v1/channels/{slug}/search',
  '/api/v1/me/notices',
  '/api/v1/search',
]

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url')

/** Cursors no list handed out: junk, a cut-off key, and keys of the wrong shape for every list. */
const badCursors = [
  'bogus',
  base64url('123:abc'),
  base64url('["01HZZZZZZZZZZZZZZZZZZZZZZZ"]'),
  base64url('[1700000000000,"01HZZZZZZZZZZZZZZZZZZZZZZZ"]'),
  base64url('1700000000000:01HZZZZZZZZZZZZZZZZZZZZZZZ:01HZZZZZZZZZZZZZZZZZZZZZZZ'),
  'MTcwMDAwMDAwMDAwMDowMUhaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=',
]

const theAnswer = {
  type: 'https://backlot.dev/problems#validation',
  code: 'validation',
  status: 422,
  title: 'The request has invalid fields',
  detail: 'Invalid query: cursor is not one this server handed out.',
  errors: [{ in: 'querystring', field: '/cursor', message: 'is not a valid cursor' }],
}

describe.each(testDatabases)('one answer to a bad cursor on every list on %s', (kind) => {
  let server: TestServer
  let w: Awaited<ReturnType<typeof seedInteractionWorld>>
  let promptId: string
  let digestId: string
  let operator: Client

  beforeAll(async () => {
    server = await startTestServer(kind)
    w = await seedInteractionWorld(server)
    operator = client(server.url, {
      token: (await seedAccount(server.ctx, 'operator', { isAdmin: true })).token,
    })
    promptId = (await publish(w.owner, { prompt: { question: 'Which scene next?' } })).id
    const digest = await w.owner.post('/api/v1/channels/set-diary/digests', {
      title: 'Week one',
      postIds: [promptId],
    })
    expect(digest.status).toBe(201)
    digestId = digest.body.id
  })
  afterAll(async () => {
    await server?.destroy()
  })

  async function listsInOpenApi(): Promise<string[]> {
    const openapi = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as OpenApi
    return Object.entries(openapi.paths)
      .filter(([, operations]) =>
        operations.get?.parameters?.some((p) => p.in === 'query' && p.name === 'cursor'),
      )
      .map(([path]) => path)
      .sort()
  }

  it('answers 422 validation naming /cursor on every list of the API, whatever the bad cursor', async () => {
    const lists = await listsInOpenApi()
    expect(lists).toEqual(knownLists)
    const urls = [
      ...lists.map(
        (path) =>
          // Searches need words to search for before a cursor means anything.
          `${path.replace('{slug}', 'set-diary').replace('{id}', promptId).replace('{digestId}', digestId)}${path.endsWith('/search') ? '?q=scene' : ''}`,
      ),
      '/api/v1/channels?member=me',
      '/api/v1/channels?q=diary',
      '/api/v1/channels/set-diary/posts?pinned=true',
    ]
    for (const url of urls) {
      for (const cursor of badCursors) {
        // The operators' lists answer only operators (and would refuse the owner before the cursor).
        const as = url.startsWith('/api/v1/admin/') ? operator : w.owner
        const res = await as.get(`${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`)
        expect({ url, cursor, status: res.status, body: res.body }).toEqual({
          url,
          cursor,
          status: 422,
          body: { ...theAnswer, instance: url.split('?')[0] },
        })
      }
    }
  })

  it('gives the public channel page the same problem for a bad ?before= cursor, as its HTML page', async () => {
    for (const cursor of badCursors) {
      const res = await w.anonymous.get(`/c/set-diary?before=${encodeURIComponent(cursor)}`)
      expect({ cursor, status: res.status, type: res.headers.get('content-type') }).toEqual({
        cursor,
        status: 422,
        type: 'text/html; charset=utf-8',
      })
      expect(res.body).toContain(`<p>${theAnswer.title}</p>`)
    }
  })

  it('pages the public channel page and the API with the same cursors, in the same order', async () => {
    for (let i = 1; i <= 20; i++) await publish(w.owner, { text: `Day ${i} on set` })
    const first = await w.anonymous.get('/api/v1/channels/set-diary/posts?limit=20')
    expect(first.body.items.map((p: { text: string }) => p.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Day ${20 - i} on set`),
    )
    const cursor: string = first.body.nextCursor
    const page = await w.anonymous.get('/c/set-diary')
    expect(page.body).toContain(`/c/set-diary?before=${cursor}" rel="next">Older posts</a>`)
    const older = await w.anonymous.get(`/c/set-diary?before=${cursor}`)
    expect(older.status).toBe(200)
    expect(older.body).toContain('Which scene next?')
    expect(older.body).not.toContain('Day 1 on set')
    expect(older.body).not.toContain('Older posts')
    const rest = await w.anonymous.get(`/api/v1/channels/set-diary/posts?cursor=${cursor}`)
    expect(rest.body).toMatchObject({ items: [{ id: promptId }], nextCursor: null })
  })
})
