import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { Window } from 'happy-dom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  createPost,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  showProduction,
  upload,
} from './press.fixture.js'

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' })
const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]
/** What a browser would build from this HTML: every script, event handler and URL in it. */
function activeParts(html: string) {
  const window = new Window()
  const doc = new window.DOMParser().parseFromString(html, 'text/html')
  const scripts = [...doc.querySelectorAll('script')].map(
    (s) => s.getAttribute('src') ?? `inline:${s.textContent}`,
  )
  const handlers: string[] = []
  const urls: string[] = []
  for (const el of doc.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      if (attr.name.toLowerCase().startsWith('on')) handlers.push(`${el.tagName} ${attr.name}`)
      if (['href', 'src', 'action', 'content'].includes(attr.name)) urls.push(attr.value ?? '')
    }
  }
  void window.happyDOM.close()
  return { scripts, handlers, urls }
}

const isRfc3339 = (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)

describe.each(testDatabases)('feeds, pages and embeds (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let album: any
  let privatePost: any

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    await createPost(w.creator, 'the-show', {
      text: 'First day on set https://example.org/day1',
      production: { weeks: { from: 1 } },
    })
    const media = await upload(server, w.accounts.creator.token, 2, { alt: 'Stage 4', credit: 'Unit stills' })
    album = await createPost(w.creator, 'the-show', {
      text: 'Weeks 11–14: the last chapter',
      media: media.map((id) => ({ id })),
      production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Stage 4', unit: 'Main unit' },
    })
    await w.creator.post('/api/v1/channels/the-show/posts', {
      text: 'Which scene do you want to see?',
      poll: { question: 'Pick one', options: ['Chase', 'Finale'] },
    })
    privatePost = await createPost(w.owner, 'writers-room', { text: 'private notes' })
  })
  afterAll(() => server?.destroy())

  it('serves an RSS 2.0 feed that parses and has the required elements', async () => {
    const res = await fetchText(`${server.url}/c/the-show/feed.rss`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
    expect(XMLValidator.validate(res.text)).toBe(true)
    const doc = parser.parse(res.text)
    expect(doc.rss['@version']).toBe('2.0')
    const channel = doc.rss.channel
    for (const field of ['title', 'link', 'description']) expect(typeof channel[field], field).toBe('string')
    const items = list<any>(channel.item)
    expect(items.length).toBeGreaterThanOrEqual(3)
    for (const item of items) {
      expect(item.title ?? item.description).toBeTruthy()
      expect(Number.isNaN(Date.parse(item.pubDate))).toBe(false)
      expect(item.guid['@isPermaLink']).toBe('true')
    }
    const albumItem = items.find((i) => i.link === `${server.url}/c/the-show/p/${album.id}`)
    expect(albumItem.enclosure['@type']).toBe('image/jpeg')
    expect(Number(albumItem.enclosure['@length'])).toBeGreaterThan(0)
    expect(list(albumItem.category)).toEqual([
      'Weeks 11–14',
      'Chapter 8 — The Last Chapter',
      'Location: Stage 4',
      'Unit: Main unit',
    ])
  })

  it('serves an Atom feed (RFC 4287) with albums as enclosures and tags as categories', async () => {
    const res = await fetchText(`${server.url}/c/the-show/feed.atom`)
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expect(XMLValidator.validate(res.text)).toBe(true)
    const feed = parser.parse(res.text).feed
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom')
    expect(feed.id).toBeTruthy()
    expect(feed.title['#text']).toBe('The Show — on set')
    expect(isRfc3339(feed.updated)).toBe(true)
    expect(feed.author.name).toBeTruthy()
    expect(list<any>(feed.link).some((l) => l['@rel'] === 'self')).toBe(true)
    const entries = list<any>(feed.entry)
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length)
    for (const entry of entries) {
      expect(entry.id && entry.title && entry.updated).toBeTruthy()
      expect(isRfc3339(entry.updated)).toBe(true)
      expect(list<any>(entry.link).some((l) => l['@rel'] === 'alternate')).toBe(true)
    }
    const albumEntry = entries.find((e) => e.id === `${server.url}/c/the-show/p/${album.id}`)
    expect(list<any>(albumEntry.link).filter((l) => l['@rel'] === 'enclosure')).toHaveLength(2)
    expect(list<any>(albumEntry.category).map((c) => c['@term'])).toContain('Chapter 8 — The Last Chapter')
  })

  it('serves a JSON Feed 1.1 with attachments', async () => {
    const res = await fetchText(`${server.url}/c/the-show/feed.json`)
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8')
    const feed = JSON.parse(res.text)
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1')
    expect(typeof feed.title).toBe('string')
    expect(feed.feed_url).toBe(`${server.url}/c/the-show/feed.json`)
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string')
      expect(typeof item.content_html).toBe('string')
      expect(isRfc3339(item.date_published)).toBe(true)
      for (const a of item.attachments) expect(a.url && a.mime_type).toBeTruthy()
    }
    const albumItem = feed.items.find((i: any) => i.url.endsWith(album.id))
    expect(albumItem.attachments).toHaveLength(2)
    expect(albumItem.tags).toContain('Weeks 11–14')
  })

  it('answers conditional GETs with 304 until something changes', async () => {
    for (const file of ['feed.rss', 'feed.atom', 'feed.json']) {
      const url = `${server.url}/c/the-show/${file}`
      const first = await fetchText(url)
      const etag = first.headers.get('etag')!
      const modified = first.headers.get('last-modified')!
      expect(etag).toMatch(/^"[\w-]+"$/)
      const byTag = await fetchText(url, { 'if-none-match': etag })
      expect(byTag.status).toBe(304)
      expect(byTag.text).toBe('')
      expect((await fetchText(url, { 'if-modified-since': modified })).status).toBe(304)
      expect((await fetchText(url, { 'if-none-match': '"other"' })).status).toBe(200)
    }
    const url = `${server.url}/c/the-show/feed.rss`
    const before = (await fetchText(url)).headers.get('etag')!
    await createPost(w.creator, 'the-show', { text: 'something new' })
    const after = await fetchText(url, { 'if-none-match': before })
    expect(after.status).toBe(200)
    expect(after.headers.get('etag')).not.toBe(before)
  })

  it('has no feed for a private channel, and marks an unlisted one noindex', async () => {
    expect((await fetchText(`${server.url}/c/writers-room/feed.rss`)).status).toBe(404)
    await createPost(w.owner, 'b-roll', { text: 'unlisted' })
    const feed = await fetchText(`${server.url}/c/b-roll/feed.atom`)
    expect(feed.status).toBe(200)
    expect(feed.headers.get('x-robots-tag')).toBe('noindex')
    const page = await fetchText(`${server.url}/c/b-roll`)
    expect(page.headers.get('x-robots-tag')).toContain('noindex')
    expect(page.text).toContain('<meta name="robots" content="noindex, nofollow">')
  })

  it('renders pages with canonical URL, OpenGraph, Twitter cards and discovery links', async () => {
    const url = `${server.url}/c/the-show/p/${album.id}`
    const res = await fetchText(url)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const html = res.text
    expect(html).toContain(`<link rel="canonical" href="${url}">`)
    expect(html).toContain(
      '<meta property="og:title" content="Weeks 11–14: the last chapter — The Show — on set">',
    )
    expect(html).toMatch(/<meta property="og:image" content="[^"]+\/media\/[0-9A-Z]{26}\/\d+\.jpg">/)
    expect(html).toMatch(/<meta property="og:image:width" content="\d+">/)
    expect(html).toContain('<meta property="og:image:alt" content="Stage 4">')
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image">')
    expect(html).toContain('<meta name="robots" content="index, follow">')
    expect(html).toContain('type="application/rss+xml"')
    expect(html).toContain(
      `type="application/json+oembed" href="${server.url}/oembed?format=json&amp;url=${encodeURIComponent(url)}"`,
    )
    expect(res.headers.get('link')).toContain('rel="alternate"; type="application/json+oembed"')
    expect(html).toContain('© Unit stills')
    const image = await fetchText(`${url}/2`)
    expect(image.status).toBe(200)
    expect(image.text).toContain(`<link rel="canonical" href="${url}/2">`)
    expect((await fetchText(`${url}/3`)).status).toBe(404)
    expect((await fetchText(`${server.url}/c/the-show`)).text).toContain(album.id)
    // Private: 404 to outsiders.
    expect((await fetchText(`${server.url}/c/writers-room`)).status).toBe(404)
    expect((await fetchText(`${server.url}/c/writers-room/p/${privatePost.id}`)).status).toBe(404)
  })

  it('answers oEmbed for post pages and refuses other sites and private posts', async () => {
    const url = `${server.url}/c/the-show/p/${album.id}`
    const res = await w.anonymous.get(`/oembed?url=${encodeURIComponent(url)}&maxwidth=400`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ version: '1.0', type: 'rich', provider_name: 'Backlot', width: 400 })
    expect(res.body.html).toContain(`<iframe src="${server.url}/embed/p/${album.id}"`)
    expect(res.body.thumbnail_url).toMatch(/\/media\//)
    expect((await w.anonymous.get(`/oembed?url=${encodeURIComponent(`${url}/1`)}`)).status).toBe(200)
    const refused = [
      `https://evil.example/c/the-show/p/${album.id}`,
      `${server.url}/c/writers-room/p/${privatePost.id}`,
      `${server.url}/c/the-show`,
      'not a url',
    ]
    for (const other of refused) {
      const r = await w.anonymous.get(`/oembed?url=${encodeURIComponent(other)}`)
      expect(r.status, other).toBe(404)
    }
    expect((await w.anonymous.get(`/oembed?url=${encodeURIComponent(url)}&format=xml`)).status).toBe(501)
    const embed = await fetchText(`${server.url}/embed/p/${album.id}`)
    expect(embed.status).toBe(200)
    expect(embed.headers.get('x-frame-options')).toBeNull()
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *')
    expect(embed.text).toContain('Stage 4')
    expect(embed.text).toContain(`href="${url}"`)
    expect(embed.text).toMatch(/<script src="\/_pages\/embed\.js\?v=\w+" defer><\/script>/)
    expect((await fetchText(`${server.url}/embed/p/${privatePost.id}`)).status).toBe(404)
  })

  it('keeps hostile text inert in every page, feed and embed', async () => {
    const evil = `<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)`
    const hostile = {
      ...showProduction,
      title: `Show ${evil}`,
      chapters: showProduction.chapters.map((c) => ({ ...c, title: `${evil}` })),
    }
    expect((await w.owner.put('/api/v1/channels/the-show/production', hostile)).status).toBe(200)
    const media = await upload(server, w.accounts.creator.token, 1, { alt: evil, credit: evil })
    const post = await createPost(w.creator, 'the-show', {
      text: `${evil} see https://example.org/"onmouseover="alert(4)`,
      media: [{ id: media[0] }],
      production: {
        weeks: { from: 2 },
        chapters: [3],
        location: evil,
        unit: `"><img src=x onerror=alert(5)>`,
      },
    })
    const postUrl = `${server.url}/c/the-show/p/${post.id}`
    const pages = [
      postUrl,
      `${postUrl}/1`,
      `${server.url}/c/the-show`,
      `${server.url}/c/the-show/timeline`,
      `${server.url}/embed/p/${post.id}`,
    ]
    const htmls: [string, string][] = []
    for (const url of pages) htmls.push([url, (await fetchText(url)).text])
    const rss = parser.parse((await fetchText(`${server.url}/c/the-show/feed.rss`)).text)
    for (const item of list<any>(rss.rss.channel.item)) htmls.push(['rss', item.description])
    const atom = parser.parse((await fetchText(`${server.url}/c/the-show/feed.atom`)).text)
    for (const entry of list<any>(atom.feed.entry)) htmls.push(['atom', entry.content['#text']])
    const json = JSON.parse((await fetchText(`${server.url}/c/the-show/feed.json`)).text)
    for (const item of json.items) htmls.push(['json', item.content_html])
    const oembed = await w.anonymous.get(`/oembed?url=${encodeURIComponent(postUrl)}`)
    htmls.push(['oembed', oembed.body.html])
    for (const [where, html] of htmls) {
      const active = activeParts(html)
      expect(active.handlers, where).toEqual([])
      for (const src of active.scripts)
        expect(src, where).toMatch(
          /^(\/_pages\/(embed|island)\.js|http:\/\/127\.0\.0\.1:\d+\/_pages\/embed-host\.js)\?v=\w+$/,
        )
      for (const url of active.urls)
        expect(url.trim().toLowerCase().startsWith('javascript:'), `${where}: ${url}`).toBe(false)
    }
    const page = htmls[0]![1]
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page).toContain('Location: &lt;script&gt;')
    expect((await w.owner.put('/api/v1/channels/the-show/production', showProduction)).status).toBe(200)
  })
})
