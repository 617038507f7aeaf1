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
  upload,
} from './press.fixture.js'

/**
 * Issue 6: public pages work without JavaScript and carry what the island (web/src/island) needs to
 * hydrate — as data-* attributes, never inline script, under the same CSP — and the HTML fragments
 * it fetches go through the same read rules as the pages. The browser side is
 * test/browser/public-pages.test.ts.
 */

function parse(html: string) {
  const window = new Window()
  const doc = new window.DOMParser().parseFromString(html, 'text/html')
  return { doc, close: () => void window.happyDOM.close() }
}

const SECRET = 'SECRET-CHAPTER-8-TEXT'

describe.each(testDatabases)('public pages for the island (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let album: any
  let spoilerText: any
  let poll: any
  let embargoed: any
  let spoilerMedia: string
  const page = (path: string) => fetchText(`${server.url}${path}`)
  const lastSeq = async () =>
    (
      await server.ctx.db
        .selectFrom('channel')
        .select('last_seq')
        .where('slug', '=', 'the-show')
        .executeTakeFirstOrThrow()
    ).last_seq

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
    const [clear, hidden] = await upload(server, w.accounts.creator.token, 2, { alt: 'Stage 4 at night' })
    spoilerMedia = hidden!
    album = await createPost(w.creator, 'the-show', {
      text: 'Harbour stills',
      media: [{ id: clear }, { id: hidden, spoiler: true }],
    })
    spoilerText = await createPost(w.creator, 'the-show', {
      text: `${SECRET} the mentor did it`,
      spoiler: true,
      spoilerLabel: 'Finale',
    })
    poll = await createPost(w.creator, 'the-show', {
      text: 'Vote!',
      poll: { question: 'Which ending?', options: ['Harbour', 'Rooftop'] },
    })
    embargoed = await createPost(w.creator, 'the-show', {
      text: 'Not before Friday',
      publishAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    expect(
      (await w.fan.put(`/api/v1/channels/the-show/posts/${album.id}/reaction`, { emoji: '❤️' })).status,
    ).toBe(200)
    expect(
      (await w.fan.put(`/api/v1/channels/the-show/posts/${poll.id}/vote`, { options: [1] })).status,
    ).toBe(200)
  })
  afterAll(() => server?.destroy())

  it('renders the island’s data as attributes, its script from this server only, under the CSP', async () => {
    const island = server.ctx.pageAssets().island
    for (const [path, view] of [
      ['/c/the-show', 'channel'],
      [`/c/the-show/p/${album.id}`, 'post'],
      [`/c/the-show/p/${album.id}/1`, 'image'],
      ['/c/the-show/timeline', 'timeline'],
    ] as const) {
      const res = await page(path)
      expect(res.status, path).toBe(200)
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("connect-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      const { doc, close } = parse(res.text)
      const main = doc.querySelector('main[data-island]')!
      expect(main.getAttribute('data-island'), path).toBe(view)
      expect(main.getAttribute('data-channel')).toBe('the-show')
      expect(Number(main.getAttribute('data-seq'))).toBe(await lastSeq())
      // The position's history too: after a database restore the island is told to reload
      // (a foreign epoch gets `reset`, test/integration/delivery-sse.test.ts).
      expect(main.getAttribute('data-epoch')).toBe(server.ctx.eventLog.epoch)
      const scripts = [...doc.querySelectorAll('script')]
      // No inline script at all; the island only where the web app is built (pages stay static without it).
      expect(scripts.every((s) => s.getAttribute('src'))).toBe(true)
      expect(scripts.map((s) => [s.getAttribute('src'), s.hasAttribute('defer')])).toEqual(
        island ? [[island.path, true]] : [],
      )
      close()
    }
    // No island on digests, previews or embeds.
    const embed = parse((await page(`/embed/p/${album.id}`)).text)
    expect(embed.doc.querySelector('main[data-island]')).toBeNull()
    embed.close()
    if (island) {
      const js = await page(island.path)
      expect(js.status).toBe(200)
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      expect(js.headers.get('cache-control')).toContain('immutable')
      expect(js.text).toContain('backlot.revealed') // the app's spoiler storage key
    }
  })

  it('works without JavaScript: posts, counts, and no unblurred spoiler file or hidden text', async () => {
    const res = await page('/c/the-show')
    const { doc, close } = parse(res.text)
    const card = (id: string) => doc.querySelector(`article[data-post="${id}"]`)!
    expect(card(album.id).textContent).toContain('Harbour stills')
    expect(card(album.id).querySelector('[data-reactions]')!.textContent).toBe('1')
    expect(card(poll.id).querySelector('[data-voters]')!.textContent).toBe('1')
    expect(card(poll.id).querySelector('[data-votes="1"]')!.textContent).toBe('1')
    expect(doc.querySelector(`article[data-post="${embargoed.id}"]`)).toBeNull()
    const figure = card(album.id).querySelector(`figure[data-spoiler-media="${spoilerMedia}"]`)!
    expect(figure.querySelector('img')!.getAttribute('src')).toContain(`/media/${spoilerMedia}/blur.jpg`)
    expect(card(spoilerText.id).querySelector('[data-spoiler-post] a')!.getAttribute('href')).toContain(
      '?reveal=1',
    )
    close()
    for (const path of ['/c/the-show', `/c/the-show/p/${album.id}`, `/c/the-show/p/${album.id}/2`]) {
      const html = (await page(path)).text
      expect(html, path).toContain(`/media/${spoilerMedia}/blur.jpg`)
      expect(html, path).not.toMatch(new RegExp(`/media/${spoilerMedia}/(?!blur\\.jpg)`))
      expect(html, path).not.toContain(SECRET)
    }
  })

  it('moves the rendered position on with the channel’s event log', async () => {
    const before = await lastSeq()
    await createPost(w.creator, 'the-show', { text: 'One more' })
    const { doc, close } = parse((await page('/c/the-show')).text)
    expect(Number(doc.querySelector('main')!.getAttribute('data-seq'))).toBe(before + 1)
    close()
  })

  it('serves post fragments through the same rules as the pages', async () => {
    const other = await createPost(w.owner, 'b-roll', { text: 'another channel' })
    const ids = [poll.id, embargoed.id, album.id, other.id, spoilerText.id, 'NOPE'].join(',')
    const res = await page(`/c/the-show/fragments?view=card&ids=${ids}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const { doc, close } = parse(res.text)
    // Requested order; embargoed, foreign and unknown posts are simply absent.
    expect([...doc.querySelectorAll('article')].map((a) => a.getAttribute('data-post'))).toEqual([
      poll.id,
      album.id,
      spoilerText.id,
    ])
    close()
    expect(res.text).not.toContain(SECRET)
    expect(res.text).not.toMatch(new RegExp(`/media/${spoilerMedia}/(?!blur\\.jpg)`))

    const full = await page(`/c/the-show/fragments?view=post&ids=${album.id}`)
    expect(full.text).toContain('Open in the app')
    expect((await page(`/c/writers-room/fragments?view=card&ids=${album.id}`)).status).toBe(404)
    for (const bad of [
      'view=card&ids=',
      'view=card&ids=a;b',
      'view=page&ids=a',
      `view=card&ids=${'a,'.repeat(20)}a`,
    ]) {
      expect((await page(`/c/the-show/fragments?${bad}`)).status, bad).toBe(422)
    }
  })
})
