import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { fetchText } from './press.fixture.js'

/**
 * Issue 19 part 2: the public directory /c/ — listed public channels only, featured first, by
 * members or activity, by category, searchable, in both languages, with OpenGraph.
 */
describe.each(testDatabases)('the channel directory (%s)', (kind) => {
  let server: TestServer
  let operator: ReturnType<typeof client>

  /** The channel slugs a directory page lists, in order. */
  async function listed(query = ''): Promise<string[]> {
    const page = await fetchText(`${server.url}/c/${query}`)
    expect(page.status, page.text).toBe(200)
    return [...page.text.matchAll(/<h2><a href="\/c\/([a-z0-9-]+)">/g)].map((m) => m[1]!)
  }

  beforeAll(async () => {
    server = await startTestServer(kind)
    const ctx = server.ctx
    const owner = (await seedAccount(ctx, 'owner')).account
    const fans = await Promise.all(
      ['fan1', 'fan2', 'fan3'].map(async (h) => (await seedAccount(ctx, h)).account),
    )
    operator = client(server.url, { token: (await seedAccount(ctx, 'operator', { isAdmin: true })).token })
    const production = (kind: string, title: string) =>
      JSON.stringify({ kind, title, season: null, chapters: [] })
    const make = async (slug: string, title: string, options: Record<string, unknown> = {}, members = 0) => {
      const channel = await seedChannel(ctx, owner, { slug, title, ...(options as object) })
      for (const fan of fans.slice(0, members)) await seedMember(ctx, channel, fan, null)
      return channel
    }
    const series = await make('harbour-series', 'Harbour Lights', {}, 3)
    await ctx.db
      .updateTable('channel')
      .set({ production: production('series', 'Harbour Lights'), description: 'A lighthouse drama' })
      .where('id', '=', series.id)
      .execute()
    const film = await make('desert-film', 'Desert Road', {}, 0)
    await ctx.db
      .updateTable('channel')
      .set({ production: production('film', 'Desert Road') })
      .where('id', '=', film.id)
      .execute()
    await make('band-tour', 'Loud Tour', {}, 2)
    await make('secret-room', 'Secret Room', { visibility: 'private' }, 3)
    await make('b-sides', 'B-sides', { visibility: 'unlisted' }, 3)
    await make('hidden-one', 'Hidden One', {}, 3)
    await make('suspended-one', 'Suspended One', {}, 3)
    for (const [slug, path, body] of [
      ['hidden-one', 'hidden', undefined],
      ['suspended-one', 'suspension', { reason: 'spam' }],
    ] as const) {
      const res = await operator.put(`/api/v1/admin/channels/${slug}/${path}`, body)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
    }
    // Desert Road posted last: it leads the activity sort.
    const desertOwner = client(server.url, { token: (await seedAccount(ctx, 'desertowner')).token })
    const desertOwnerRow = await ctx.db
      .selectFrom('account')
      .selectAll()
      .where('handle', '=', 'desertowner')
      .executeTakeFirstOrThrow()
    await seedMember(ctx, film, desertOwnerRow, 'creator')
    const posted = await desertOwner.post('/api/v1/channels/desert-film/posts', {
      text: 'First day in the desert',
    })
    expect(posted.status, JSON.stringify(posted.body)).toBe(201)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('lists public channels only, by members; never private, unlisted, hidden or suspended ones', async () => {
    expect(await listed()).toEqual(['harbour-series', 'band-tour', 'desert-film'])
    const page = await fetchText(`${server.url}/c/`)
    for (const absent of ['secret-room', 'b-sides', 'hidden-one', 'suspended-one', 'Secret Room']) {
      expect(page.text).not.toContain(absent)
    }
    expect(page.text).toContain('<meta property="og:title" content="Channels">')
    expect(page.text).toContain('4 members')
    expect(page.headers.get('cache-control')).toBe('public, max-age=60')
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'")
  })

  it('sorts by recent activity, filters by category and searches titles and descriptions', async () => {
    expect((await listed('?sort=activity'))[0]).toBe('desert-film')
    expect(await listed('?category=series')).toEqual(['harbour-series'])
    expect(await listed('?category=film')).toEqual(['desert-film'])
    expect(await listed('?q=lighthouse')).toEqual(['harbour-series'])
    expect(await listed('?q=secret')).toEqual([])
    expect(await listed('?q=hidden')).toEqual([])
    expect(await listed('?q=')).toHaveLength(3)
    const none = await fetchText(`${server.url}/c/?q=${encodeURIComponent('<b>zzz</b>')}`)
    expect(none.text).toContain('No channel matches “&lt;b&gt;zzz&lt;/b&gt;”.')
    expect(none.text).toContain('noindex')
  })

  it('puts featured channels first, and hides them again when an operator unfeatures them', async () => {
    const featured = await operator.put('/api/v1/admin/channels/desert-film/featured')
    expect(featured.body).toMatchObject({ slug: 'desert-film', featured: true })
    expect(await listed()).toEqual(['desert-film', 'harbour-series', 'band-tour'])
    expect(await fetchText(`${server.url}/c/`).then((p) => p.text)).toContain('Featured')
    // Featuring never lists a channel that is not listed.
    await operator.put('/api/v1/admin/channels/hidden-one/featured')
    expect(await listed()).not.toContain('hidden-one')
    await operator.delete('/api/v1/admin/channels/desert-film/featured')
    expect(await listed()).toEqual(['harbour-series', 'band-tour', 'desert-film'])
    const fan = client(server.url, { token: (await seedAccount(server.ctx, 'notanoperator')).token })
    expect((await fan.put('/api/v1/admin/channels/band-tour/featured')).status).toBe(403)
  })

  it('speaks Spanish, and leaves a channel at once when it turns private', async () => {
    const es = await fetchText(`${server.url}/c/`, { 'accept-language': 'es' })
    expect(es.text).toContain('<html lang="es">')
    expect(es.text).toContain('Buscar canales')
    expect(es.text).toContain('3 miembros')
    await server.ctx.db
      .updateTable('channel')
      .set({ visibility: 'private', updated_at: Date.now() })
      .where('slug', '=', 'band-tour')
      .execute()
    expect(await listed()).toEqual(['harbour-series', 'desert-film'])
  })

  it('refuses a bad category or sort with a 422 page', async () => {
    expect((await fetchText(`${server.url}/c/?category=opera`)).status).toBe(422)
    expect((await fetchText(`${server.url}/c/?sort=random`)).status).toBe(422)
    expect((await fetchText(`${server.url}/c/?utm_source=newsletter`)).status).toBe(200)
  })
})
