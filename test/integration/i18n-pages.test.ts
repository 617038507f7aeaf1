import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { seedSessionCookie } from '../_util/stream.js'
import { createPost, fetchText, type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

/**
 * Issue 16 point 4 for the public surfaces: channel and post pages, feeds and the island's words
 * follow the reader's language — their setting when signed in, else Accept-Language, else
 * English — say so (`<html lang>`, Content-Language, Vary: Accept-Language), and the page and feed
 * caches keep one copy per language, so an English rendering never reaches a Spanish reader.
 */
describe.each(testDatabases)('public pages and feeds in the reader’s language (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let post: { id: string }

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    post = await createPost(w.creator, 'the-show', {
      text: 'Weeks 11–14 on set',
      production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Stage 4' },
    })
  })
  afterAll(() => server?.destroy())

  const page = (path: string, headers: Record<string, string> = {}) => fetchText(server.url + path, headers)
  const es = { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' }
  const en = { 'accept-language': 'en-GB,en;q=0.9' }

  function expectLanguage(res: { headers: Headers; text: string }, language: 'en' | 'es') {
    expect(res.headers.get('content-language')).toBe(language)
    expect(res.headers.get('vary')).toMatch(/accept-language/i)
    expect(res.text).toContain(`<html lang="${language}">`)
  }

  function expectSpanishChannel(text: string) {
    expect(text).toContain('Cronología de la producción')
    expect(text).toContain('Semanas 11–14')
    expect(text).toContain('Capítulo 8: The Last Chapter')
    expect(text).toContain('Lugar: Stage 4')
    expect(text).toContain('Serie: The Show · Temporada 2 · 8 capítulos · rodaje desde el 5 ene 2026')
    expect(text).toContain('Publicado con Backlot')
    expect(text).toMatch(/<span data-reactions>0<\/span> reacciones/)
    // The island's words, as JSON in an attribute it reads (web/src/island/text.ts).
    expect(text).toContain('data-text="{&quot;openInApp&quot;:&quot;Abrir en la app&quot;')
    expect(text).not.toContain('Production timeline')
    expect(text).not.toContain('Weeks 11–14<')
  }

  function expectEnglishChannel(text: string) {
    expect(text).toContain('Production timeline')
    expect(text).toContain('<li>Weeks 11–14</li>')
    expect(text).toContain('Chapter 8 — The Last Chapter')
    expect(text).toContain('Location: Stage 4')
    expect(text).toContain('Series: The Show · Season 2 · 8 chapters · filming from Jan 5, 2026')
    expect(text).toContain('Published with Backlot')
    expect(text).toMatch(/<span data-reactions>0<\/span> reactions/)
    expect(text).toContain('data-text="{&quot;openInApp&quot;:&quot;Open in app&quot;')
    expect(text).not.toContain('Cronología')
  }

  it('renders the channel page in Spanish for Accept-Language: es, and in English otherwise', async () => {
    const spanish = await page('/c/the-show', es)
    expect(spanish.status).toBe(200)
    expectLanguage(spanish, 'es')
    expectSpanishChannel(spanish.text)

    for (const headers of [en, {}]) {
      const english = await page('/c/the-show', headers)
      expectLanguage(english, 'en')
      expectEnglishChannel(english.text)
    }
  })

  it('never serves one language’s cached copy to the other (es, en, es), and each has its own ETag', async () => {
    const path = `/c/the-show/p/${post.id}`
    const first = await page(path, es)
    const english = await page(path, en)
    const again = await page(path, es)
    expect(first.text).toContain('Abrir en la aplicación')
    expect(english.text).toContain('Open in the app')
    expect(english.text).not.toContain('Abrir en la aplicación')
    expect(again.text).toBe(first.text)
    expectLanguage(again, 'es')
    expect(english.headers.get('etag')).not.toBe(first.headers.get('etag'))
    // The Spanish ETag does not validate the English copy.
    const revalidated = await page(path, { ...en, 'if-none-match': first.headers.get('etag')! })
    expect(revalidated.status).toBe(200)
    expectLanguage(revalidated, 'en')
  })

  it('renders the post page in Spanish, with dates through Intl', async () => {
    const res = await page(`/c/the-show/p/${post.id}`, es)
    expect(res.status).toBe(200)
    expectLanguage(res, 'es')
    expect(res.text).toContain('Semanas 11–14')
    // "7 dic 2026, 18:40 UTC" (or "8 dic 2026, 0:05 UTC" just after midnight): a Spanish month
    // abbreviation and a 24-hour clock, whatever the hour the suite runs at.
    expect(res.text).toMatch(/<time datetime="[^"]+">\d{1,2} [a-z]{3,4}\.? \d{4}, \d{1,2}:\d{2} UTC<\/time>/)
    expect(res.text).not.toMatch(/<time datetime="[^"]+">[^<]*[AP]M UTC<\/time>/)
    expect(res.text).toContain('<title>Weeks 11–14 on set — The Show — on set</title>')
  })

  it('serves the feeds in Spanish for Accept-Language: es, English by default, each cached apart', async () => {
    const spanish = await page('/c/the-show/feed.rss', es)
    const english = await page('/c/the-show/feed.rss')
    const spanishAgain = await page('/c/the-show/feed.rss', es)
    expect(spanish.status).toBe(200)
    expect(spanish.headers.get('content-language')).toBe('es')
    expect(spanish.headers.get('vary')).toMatch(/accept-language/i)
    expect(spanish.text).toContain('<language>es</language>')
    expect(spanish.text).toContain('<category>Semanas 11–14</category>')
    expect(spanish.text).toContain('Serie: The Show')
    expect(english.headers.get('content-language')).toBe('en')
    expect(english.text).toContain('<language>en</language>')
    expect(english.text).toContain('<category>Weeks 11–14</category>')
    expect(english.headers.get('etag')).not.toBe(spanish.headers.get('etag'))
    expect(spanishAgain.text).toBe(spanish.text)

    const json = JSON.parse((await page('/c/the-show/feed.json', es)).text)
    expect(json.language).toBe('es')
    expect(json.items[0].tags).toContain('Capítulo 8: The Last Chapter')
    const atom = await page('/c/the-show/feed.atom', es)
    expect(atom.text).toContain('xml:lang="es"')
  })

  it('follows a signed-in reader’s language setting without the header, privately', async () => {
    expect((await w.fan.patch('/api/v1/me', { language: 'es' })).status).toBe(200)
    const cookie = await seedSessionCookie(server.ctx, w.accounts.fan.account)
    const mine = await page('/c/the-show', { cookie })
    expectLanguage(mine, 'es')
    expectSpanishChannel(mine.text)
    // Chosen by a cookie: no shared cache may keep it for anyone else.
    expect(mine.headers.get('cache-control')).toBe('private, no-store')
    // The setting wins over the browser's header, too.
    expectSpanishChannel((await page('/c/the-show', { cookie, ...en })).text)
    // And an anonymous reader right after still gets English.
    const anonymous = await page('/c/the-show')
    expectLanguage(anonymous, 'en')
    expectEnglishChannel(anonymous.text)
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=60')
  })

  it('renders the timeline and the embed in Spanish, and oEmbed follows Accept-Language', async () => {
    const timeline = await page('/c/the-show/timeline', es)
    expectLanguage(timeline, 'es')
    expect(timeline.text).toContain('<h2>Cronología de la producción</h2>')
    expect(timeline.text).toContain('Capítulo 8 de 8: el último')
    expect(timeline.text).toMatch(/Semana 11 <span class="muted">desde el 16 mar 2026<\/span>/)
    expect((await page('/c/the-show/timeline')).text).toContain('Chapter 8 of 8 — the last chapter')
    // The API's timeline keeps its English labels whatever the browser asks for.
    const api = await w.anonymous.get('/api/v1/channels/the-show/timeline', es)
    expect(api.body.lastChapter.label).toBe('Chapter 8 of 8 — the last chapter')

    const embed = await page(`/embed/p/${post.id}`, es)
    expectLanguage(embed, 'es')
    expect(embed.text).toContain('Ver en 127.0.0.1')
    expect((await page(`/embed/p/${post.id}`)).text).toContain('View on 127.0.0.1')

    const url = encodeURIComponent(`${server.url}/c/the-show/p/${post.id}`)
    const oembed = await page(`/oembed?url=${url}`, es)
    expect(oembed.headers.get('content-language')).toBe('es')
    expect(oembed.headers.get('vary')).toMatch(/accept-language/i)
  })

  it('error pages speak the reader’s language too', async () => {
    const res = await page('/c/no-such-show', es)
    expect(res.status).toBe(404)
    expectLanguage(res, 'es')
    expect(res.text).toContain('<h1>No encontrado</h1>')
    expect(res.text).toContain('Aquí no hay nada, o no es público.')
    expect((await page('/c/no-such-show')).text).toContain('<h1>Not found</h1>')
  })
})
