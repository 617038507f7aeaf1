import { once } from 'node:events'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { exifJpeg } from '../_util/images.js'
import { metadataFound } from '../_util/metadata.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * Link previews (issue 18 part 4), end to end: a test site on loopback (reachable only through
 * BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS), a canary on another loopback port that must never be
 * dialled, and the API, pages and feeds a fan reads.
 */
const requests: string[] = []
let photo: Buffer
let site: http.Server
let sitePort: number
let canary: net.Server
let canaryPort: number
let canaryConnections = 0

function article(path: string): string {
  return `<!doctype html><html><head><title>Fallback</title>
<meta property="og:title" content="Article &lt;b&gt;${path}&lt;/b&gt;">
<meta property="og:description" content="What happened on set">
<meta property="og:site_name" content="Trade Paper">
<meta property="og:image" content="/photo.jpg">
</head><body>${'filler '.repeat(1000)}</body></html>`
}

beforeAll(async () => {
  photo = await exifJpeg()
  site = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    if (req.url?.endsWith('/photo.jpg')) res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo)
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(article(req.url ?? ''))
  })
  site.listen(0, '127.0.0.1')
  await once(site, 'listening')
  sitePort = (site.address() as AddressInfo).port
  canary = net.createServer((socket) => {
    canaryConnections++
    socket.destroy()
  })
  canary.listen(0, '127.0.0.1')
  await once(canary, 'listening')
  canaryPort = (canary.address() as AddressInfo).port
})

afterAll(async () => {
  site.closeAllConnections()
  await new Promise((resolve) => site.close(resolve))
  await new Promise((resolve) => canary.close(resolve))
})

/** Polls until `check` returns a value (the fetch is a background job); fails after 15 s. */
async function eventually<T>(check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await check()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('condition not reached')
}

describe.each(testDatabases)('link previews (%s)', (kind) => {
  let server: TestServer
  let fan: ReturnType<typeof client>
  let anonymous: ReturnType<typeof client>
  // Paths carry the database kind: the site's request log is shared by both runs.
  const at = (path: string) => `/${kind}${path}`
  const link = (path: string) => `http://127.0.0.1:${sitePort}${at(path)}`

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: {
        BACKLOT_OUTBOUND_ALLOW_HTTP: 'true',
        BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS: String(sitePort),
        BACKLOT_LINK_PREVIEW_ACCOUNT_LIMIT: '3/1h',
      },
    })
    const owner = await seedAccount(server.ctx, 'owner')
    const channel = await seedChannel(server.ctx, owner.account, { slug: 'set' })
    const fanAccount = await seedAccount(server.ctx, 'fan')
    await seedMember(server.ctx, channel, fanAccount.account, null)
    fan = client(server.url, { token: fanAccount.token })
    anonymous = client(server.url)
  })
  afterAll(() => server?.destroy())

  /** A creator of its own, so each test has its own fetch cap. */
  let creators = 0
  async function newCreator() {
    const seeded = await seedAccount(server.ctx, `creator${++creators}`)
    const channel = await server.ctx.db
      .selectFrom('channel')
      .selectAll()
      .where('slug', '=', 'set')
      .executeTakeFirstOrThrow()
    await seedMember(server.ctx, channel, seeded.account, 'creator')
    return client(server.url, { token: seeded.token })
  }

  async function post(author: ReturnType<typeof client>, body: Record<string, unknown>) {
    const res = await author.post('/api/v1/channels/set/posts', body)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string }
  }

  const previewOf = async (id: string, as = fan) =>
    (await as.get(`/api/v1/channels/set/posts/${id}`)).body.linkPreview
  const cached = (url: string) =>
    server.ctx.db.selectFrom('link_preview').selectAll().where('url', '=', url).executeTakeFirst()

  it("previews a post's first link: title, description, site and a re-hosted image without metadata", async () => {
    const creator = await newCreator()
    const { id } = await post(creator, { text: `Read ${link('/first')} and ${link('/second')}` })
    const preview = await eventually(() => previewOf(id))
    expect(preview).toMatchObject({
      url: link('/first'),
      title: `Article <b>${at('/first')}</b>`,
      description: 'What happened on set',
      siteName: 'Trade Paper',
    })
    expect(requests).not.toContain(at('/second'))
    expect(preview.image.url).toMatch(new RegExp(`^${server.url}/media/`))
    const image = await fetch(preview.image.url)
    expect(image.status).toBe(200)
    expect(await metadataFound(Buffer.from(await image.arrayBuffer()), 'jpeg')).toEqual([])
    // The card is on the public page, escaped, and in the feeds.
    const page = await (await fetch(`${server.url}/c/set/p/${id}`)).text()
    expect(page).toContain(`Article &lt;b&gt;${at('/first')}&lt;/b&gt;`)
    expect(page).toContain('rel="noopener nofollow ugc"')
    expect(page).not.toContain(`<b>${at('/first')}</b>`)
    const feed = await (await fetch(`${server.url}/c/set/feed.json`)).json()
    expect(JSON.stringify(feed)).toContain('What happened on set')
    // The card reached live clients as a quiet post.edited: nobody is notified of the post again.
    const events = await server.ctx.db
      .selectFrom('channel_event')
      .select('type')
      .where('post_id', '=', id)
      .execute()
    expect(events.map((e) => e.type)).toContain('post.edited')
    const runs = await server.ctx.db
      .selectFrom('push_fanout')
      .select('reason')
      .where('post_id', '=', id)
      .execute()
    expect(runs.map((r) => r.reason)).toEqual(['published'])
  })

  it('shows the card in the oEmbed rich embed, escaped; never for a spoiler or an embargoed post', async () => {
    const creator = await newCreator()
    const embedOf = async (id: string) => {
      const url = encodeURIComponent(`${server.url}/c/set/p/${id}`)
      const res = await fetch(`${server.url}/oembed?url=${url}`)
      if (res.status !== 200) return { status: res.status, oembed: null, page: '' }
      const oembed = (await res.json()) as { html: string; height: number }
      const src = /<iframe src="([^"]+)"/.exec(oembed.html)![1]!
      return { status: 200, oembed, page: await (await fetch(src.replaceAll('&amp;', '&'))).text() }
    }
    const { id } = await post(creator, { text: `On the record: ${link('/oembed')}` })
    await eventually(() => previewOf(id))
    const plain = await embedOf(id)
    expect(plain.page).toContain('class="link-card"')
    expect(plain.page).toContain(`Article &lt;b&gt;${at('/oembed')}&lt;/b&gt;`)
    expect(plain.page).not.toContain(`<b>${at('/oembed')}</b>`)
    expect(plain.page).toContain('Trade Paper')
    // The iframe is sized for the card (130 px of frame, a line of text, 124 px of card).
    expect(plain.oembed!.height).toBeGreaterThanOrEqual(130 + 24 + 124)

    const spoiler = await post(creator, {
      text: `Finale twist: ${link('/oembed-spoiler')}`,
      spoiler: true,
      spoilerLabel: 'Finale',
    })
    await eventually(() => previewOf(spoiler.id))
    const hidden = await embedOf(spoiler.id)
    expect(hidden.status).toBe(200)
    expect(hidden.page).not.toContain(at('/oembed-spoiler'))
    expect(hidden.page).not.toContain('class="link-card"')
    expect(hidden.oembed!.height).toBeLessThan(130 + 124)

    const publishAt = new Date(Date.now() + 3_600_000).toISOString()
    const embargoed = await post(creator, { text: `Soon: ${link('/oembed-embargoed')}`, publishAt })
    expect((await embedOf(embargoed.id)).status).toBe(404)
    expect((await fetch(`${server.url}/embed/p/${embargoed.id}`)).status).toBe(404)
  })

  it('never connects to a private or loopback address, and shows no preview', async () => {
    const creator = await newCreator()
    const urls = [
      `http://127.0.0.1:${canaryPort}/x`,
      'http://10.0.0.1/x',
      `http://[::ffff:127.0.0.1]:${canaryPort}/`,
    ]
    for (const url of urls) {
      const { id } = await post(creator, { text: `see ${url}` })
      const row = await eventually(() => cached(new URL(url).href))
      expect(row.status).toBe('failed')
      expect(await previewOf(id)).toBeNull()
    }
    expect(canaryConnections).toBe(0)
  })

  it("hides a spoiler post's preview from outsiders as its text is hidden", async () => {
    const creator = await newCreator()
    const { id } = await post(creator, {
      text: `Twist: ${link('/spoiler')}`,
      spoiler: true,
      spoilerLabel: 'Finale',
    })
    // Members get it in the post view, behind the reveal like the text.
    expect(await eventually(() => previewOf(id))).toMatchObject({ url: link('/spoiler') })
    const page = await (await fetch(`${server.url}/c/set/p/${id}`)).text()
    expect(page).not.toContain(at('/spoiler'))
    const feed = await (await fetch(`${server.url}/c/set/feed.json`)).text()
    expect(feed).not.toContain(at('/spoiler'))
  })

  it('fetches an embargoed post only once it is published', async () => {
    const creator = await newCreator()
    const publishAt = new Date(Date.now() + 2500).toISOString()
    const { id } = await post(creator, { text: `Soon ${link('/embargoed')}`, publishAt })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(requests).not.toContain(at('/embargoed'))
    expect(await cached(link('/embargoed'))).toBeUndefined()
    expect((await anonymous.get(`/api/v1/channels/set/posts/${id}`)).status).toBe(404)
    const preview = await eventually(() => previewOf(id))
    expect(preview.title).toBe(`Article <b>${at('/embargoed')}</b>`)
  })

  it('follows an edit of the first link, and drops the card when the link is edited out', async () => {
    const creator = await newCreator()
    const { id } = await post(creator, { text: `Old ${link('/before-edit')}` })
    await eventually(() => previewOf(id))
    const edited = await creator.patch(`/api/v1/channels/set/posts/${id}`, {
      text: `New ${link('/after-edit')}`,
    })
    expect(edited.status).toBe(200)
    // Not the old card while the new one is fetched; then the new one.
    expect(edited.body.linkPreview).toBeNull()
    const fresh = await eventually(async () => {
      const preview = await previewOf(id)
      return preview?.url === link('/after-edit') && preview
    })
    expect(fresh.title).toBe(`Article <b>${at('/after-edit')}</b>`)
    expect(
      (await creator.patch(`/api/v1/channels/set/posts/${id}`, { text: 'No link any more' })).body
        .linkPreview,
    ).toBeNull()
    expect(await previewOf(id)).toBeNull()
  })

  it('lets the author remove the preview; others cannot', async () => {
    const creator = await newCreator()
    const { id } = await post(creator, { text: `Remove ${link('/remove')}` })
    await eventually(() => previewOf(id))
    expect((await fan.delete(`/api/v1/channels/set/posts/${id}/link-preview`)).status).toBe(403)
    expect((await creator.delete(`/api/v1/channels/set/posts/${id}/link-preview`)).status).toBe(204)
    expect(await previewOf(id)).toBeNull()
    expect(await previewOf(id, creator)).toBeNull()
    expect(await (await fetch(`${server.url}/c/set/p/${id}`)).text()).not.toContain(
      'Article &lt;b&gt;/remove',
    )
    expect((await creator.delete(`/api/v1/channels/set/posts/${id}/link-preview`)).status).toBe(204)
  })

  it('deletes the link, the cached card and the re-hosted image with the post', async () => {
    const creator = await newCreator()
    const { id } = await post(creator, { text: `Gone ${link('/deleted')}` })
    const preview = await eventually(() => previewOf(id))
    const mediaId = (await cached(link('/deleted')))!.image_media_id!
    expect((await creator.delete(`/api/v1/channels/set/posts/${id}`)).status).toBe(204)
    expect(await cached(link('/deleted'))).toBeUndefined()
    const links = await server.ctx.db
      .selectFrom('post_link_preview')
      .selectAll()
      .where('post_id', '=', id)
      .execute()
    expect(links).toEqual([])
    expect(
      await server.ctx.db.selectFrom('media').select('id').where('id', '=', mediaId).executeTakeFirst(),
    ).toBeUndefined()
    expect((await fetch(preview.image.url)).status).toBe(404)
  })

  it("deletes a deleted channel's cards and images at the next sweep", async () => {
    const owner = await seedAccount(server.ctx, `owner-${kind}-gone`)
    await seedChannel(server.ctx, owner.account, { slug: 'gone' })
    const author = client(server.url, { token: owner.token })
    const res = await author.post('/api/v1/channels/gone/posts', { text: `Bye ${link('/channel-gone')}` })
    expect(res.status).toBe(201)
    await eventually(
      async () => (await author.get(`/api/v1/channels/gone/posts/${res.body.id}`)).body.linkPreview,
    )
    const mediaId = (await cached(link('/channel-gone')))!.image_media_id!
    expect((await author.delete('/api/v1/channels/gone')).status).toBe(204)
    expect(await server.ctx.linkPreviews.sweep()).toBeGreaterThanOrEqual(1)
    expect(await cached(link('/channel-gone'))).toBeUndefined()
    expect(
      await server.ctx.db.selectFrom('media').select('id').where('id', '=', mediaId).executeTakeFirst(),
    ).toBeUndefined()
    // A card still linked by a live post is kept.
    expect(await cached(link('/first'))).toBeDefined()
  })

  it('stops fetching for an author past the cap (BACKLOT_LINK_PREVIEW_ACCOUNT_LIMIT), cached URLs still shown', async () => {
    const creator = await newCreator()
    const ids: string[] = []
    for (const n of [1, 2, 3, 4]) ids.push((await post(creator, { text: `cap ${link(`/cap${n}`)}` })).id)
    await eventually(() => previewOf(ids[2]!))
    // A URL already cached costs no fetch: still previewed past the cap. Its job was queued after the
    // fourth post's, so once it is done the fourth one was handled too.
    const again = await post(creator, { text: `again ${link('/cap1')}` })
    expect(await eventually(() => previewOf(again.id))).toMatchObject({ url: link('/cap1') })
    // The fourth is past the cap: no request reached the site for it, and it has no preview.
    expect(requests).not.toContain(at('/cap4'))
    expect(await previewOf(ids[3]!)).toBeNull()
  })
})
