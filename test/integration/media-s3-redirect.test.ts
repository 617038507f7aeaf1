import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, client } from '../_util/client.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { startS3Server } from '../_util/s3-server.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/** Signature lifetime of the redirect node: 302s are kept 60 s (public) or 30 s (private). */
const LIFETIME = 120

interface Media {
  id: string
  originalUrl: string
  variants: { url: string; format: string }[]
}

/**
 * Issue 7: media served by redirect to signed S3 URLs. Two nodes share one database and one bucket
 * (s3rver on loopback): P proxies (BACKLOT_S3_MEDIA_DELIVERY unset), R redirects. Whatever P answers 200,
 * R answers 302 to a URL giving the same bytes; whatever P hides, R hides the same way.
 */
describe.each(testDatabases)('media by redirect to signed S3 URLs on %s', (kind) => {
  let s3: Awaited<ReturnType<typeof startS3Server>>
  let database: TestDatabase
  let proxyNode: TestServer
  let redirectNode: TestServer
  /** R's clock: real time, or behind it by `lagMs`, or stopped at `fixedAt`. */
  const clock = {
    lagMs: 0,
    fixedAt: null as number | null,
    now: () => clock.fixedAt ?? Date.now() - clock.lagMs,
  }
  let owner: SeededAccount
  let fan: SeededAccount
  let outsider: SeededAccount
  let insider: SeededAccount
  let ownerApi: Client

  beforeAll(async () => {
    s3 = await startS3Server(['media'])
    database = await createTestDatabase(kind)
    const env = {
      ...s3.nodeEnv('media'),
      BACKLOT_S3_KEY_PREFIX: `${kind}/`,
      BACKLOT_MEDIA_UPLOAD_LIMIT: '1000',
    }
    proxyNode = await startTestServer(kind, { database, env })
    redirectNode = await startTestServer(kind, {
      database,
      env: { ...env, BACKLOT_S3_MEDIA_DELIVERY: 'redirect', BACKLOT_S3_SIGNED_URL_SECONDS: String(LIFETIME) },
      overrides: { clock },
    })
    const ctx = proxyNode.ctx
    owner = await seedAccount(ctx, 'owner')
    fan = await seedAccount(ctx, 'fan')
    outsider = await seedAccount(ctx, 'outsider')
    insider = await seedAccount(ctx, 'insider')
    const publicChannel = await seedChannel(ctx, owner.account, { slug: 'the-show' })
    await seedChannel(ctx, owner.account, { slug: 'b-roll', visibility: 'unlisted' })
    const privateChannel = await seedChannel(ctx, owner.account, {
      slug: 'writers-room',
      visibility: 'private',
    })
    await seedMember(ctx, publicChannel, fan.account, null)
    await seedMember(ctx, privateChannel, insider.account, null)
    ownerApi = client(proxyNode.url, { token: owner.token })
  })

  afterAll(async () => {
    await redirectNode?.destroy()
    await proxyNode?.destroy()
    await database?.drop()
    await s3?.close()
  })

  let uploads = 0
  async function upload(options: { spoiler?: string } = {}): Promise<Media> {
    uploads += 1
    const bytes = await noisyJpeg(40 + uploads, 30 + ((uploads * 7) % 20))
    const res = await uploadImage(proxyNode.url, owner.token, bytes, options)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body
  }

  async function post(slug: string, media: Media, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await ownerApi.post(`/api/v1/channels/${slug}/posts`, {
      text: `photos for ${slug}`,
      media: [{ id: media.id }],
      ...extra,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id
  }

  const pathOf = (url: string) => new URL(url).pathname
  const filesOf = (media: Media) => [media.originalUrl, ...media.variants.map((v) => v.url)].map(pathOf)

  /** One request, redirects not followed, body read. */
  async function request(node: TestServer, path: string, who?: SeededAccount, method = 'GET') {
    const res = await fetch(node.url + path, {
      method,
      redirect: 'manual',
      headers: who ? { authorization: `Bearer ${who.token}` } : {},
    })
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
  }

  async function fetchLocation(location: string) {
    const res = await fetch(location, { redirect: 'manual' })
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
  }

  async function expectHiddenOnBoth(path: string, who?: SeededAccount) {
    for (const node of [proxyNode, redirectNode]) {
      for (const method of ['GET', 'HEAD']) {
        const res = await request(node, path, who, method)
        expect(res.status, `${method} ${path} as ${who?.account.handle ?? 'anonymous'}`).toBe(404)
        expect(res.headers.get('location')).toBeNull()
        if (method === 'GET') expect(JSON.parse(res.body.toString()).code).toBe('media-not-found')
      }
    }
  }

  it('answers 302 to a signed URL that returns exactly the stored bytes with the right headers', async () => {
    const media = await upload()
    await post('the-show', media)
    for (const path of filesOf(media)) {
      const proxied = await request(proxyNode, path)
      expect(proxied.status).toBe(200)
      const redirect = await request(redirectNode, path)
      expect(redirect.status).toBe(302)
      expect(redirect.body.length).toBe(0)
      expect(redirect.headers.get('cache-control')).toBe(`public, max-age=${LIFETIME / 2}`)
      expect(redirect.headers.get('referrer-policy')).toBe('no-referrer')
      const location = new URL(redirect.headers.get('location')!)
      expect(location.origin).toBe(s3.endpoint)
      expect(location.searchParams.get('X-Amz-Expires')).toBe(String(LIFETIME))
      expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)

      const direct = await fetchLocation(location.href)
      expect(direct.status).toBe(200)
      expect(direct.body.equals(proxied.body)).toBe(true)
      for (const header of ['content-type', 'content-disposition', 'cache-control']) {
        expect(direct.headers.get(header), header).toBe(proxied.headers.get(header))
      }
      expect(direct.headers.get('content-type')).toBe(path.endsWith('.webp') ? 'image/webp' : 'image/jpeg')

      const head = await request(redirectNode, path, undefined, 'HEAD')
      expect(head.status).toBe(302)
      expect(new URL(head.headers.get('location')!).pathname).toBe(location.pathname)
      expect(head.headers.get('cache-control')).toBe(`public, max-age=${LIFETIME / 2}`)
    }
  })

  it('hands out the same URL within a signing window, so caches can reuse the bytes', async () => {
    const media = await upload()
    await post('the-show', media)
    const path = pathOf(media.originalUrl)
    const windowMs = (LIFETIME / 4) * 1000
    // The window before the current one: its URLs still have at least half their life left.
    const start = Math.floor(Date.now() / windowMs) * windowMs - windowMs
    const locationAt = async (t: number) => {
      clock.fixedAt = t
      try {
        return new URL((await request(redirectNode, path)).headers.get('location')!)
      } finally {
        clock.fixedAt = null
      }
    }
    const first = await locationAt(start + 1000)
    expect((await locationAt(start + windowMs - 1000)).href).toBe(first.href)
    expect(first.searchParams.get('X-Amz-Date')).toBe(amzDate(new Date(start)))
    const next = await locationAt(start + windowMs)
    expect(next.href).not.toBe(first.href)
    expect(next.searchParams.get('X-Amz-Date')).toBe(amzDate(new Date(start + windowMs)))
    for (const url of [first, next]) expect((await fetchLocation(url.href)).status).toBe(200)
  })

  it('is refused by S3 once the signature has expired', async () => {
    const media = await upload()
    await post('the-show', media)
    const path = pathOf(media.originalUrl)
    // A node clock running behind by more than the lifetime signs URLs that are already expired.
    clock.lagMs = (LIFETIME + 60) * 1000
    let stale: string
    try {
      stale = (await request(redirectNode, path)).headers.get('location')!
    } finally {
      clock.lagMs = 0
    }
    const refused = await fetchLocation(stale)
    expect(refused.status).toBe(403)
    expect(refused.body.toString()).toContain('Request has expired')
    const fresh = (await request(redirectNode, path)).headers.get('location')!
    expect((await fetchLocation(fresh)).status).toBe(200)
  })

  it('hides exactly what proxy mode hides, and caches privately what proxy mode does not cache', async () => {
    const cases = {
      public: await upload(),
      spoiler: await upload({ spoiler: 'true' }),
      unlisted: await upload(),
      private: await upload(),
      deleted: await upload(),
      unattached: await upload(),
    }
    await post('the-show', cases.public)
    await post('the-show', cases.spoiler, { spoiler: true, spoilerLabel: 'Finale' })
    await post('b-roll', cases.unlisted)
    await post('writers-room', cases.private)
    const deletedId = await post('the-show', cases.deleted)
    expect((await ownerApi.delete(`/api/v1/channels/the-show/posts/${deletedId}`)).status).toBeLessThan(300)

    const viewers = { anonymous: undefined, fan, outsider, insider, owner }
    const seen: Record<string, string[]> = {}
    for (const [name, media] of Object.entries(cases)) {
      for (const [viewer, who] of Object.entries(viewers)) {
        const path = pathOf(media.variants[0]!.url)
        const proxied = await request(proxyNode, path, who)
        if (proxied.status === 404) {
          await expectHiddenOnBoth(path, who)
          continue
        }
        expect(proxied.status).toBe(200)
        seen[name] = [...(seen[name] ?? []), viewer]
        const isPublic = proxied.headers.get('cache-control') === 'public, max-age=60'
        for (const method of ['GET', 'HEAD']) {
          const redirect = await request(redirectNode, path, who, method)
          expect(redirect.status, `${method} ${name} as ${viewer}`).toBe(302)
          expect(redirect.headers.get('cache-control')).toBe(
            isPublic ? `public, max-age=${LIFETIME / 2}` : `private, max-age=${LIFETIME / 4}`,
          )
          if (method === 'HEAD') continue
          const direct = await fetchLocation(redirect.headers.get('location')!)
          expect(direct.body.equals(proxied.body)).toBe(true)
          expect(direct.headers.get('cache-control')).toBe(proxied.headers.get('cache-control'))
        }
      }
    }
    // What the matrix covered: nothing private leaked, nothing public was hidden.
    const everyone = Object.keys(viewers)
    expect(seen).toEqual({
      public: everyone,
      spoiler: everyone,
      unlisted: everyone,
      private: ['insider', 'owner'],
      unattached: ['owner'],
    })
  })

  it('keeps an embargoed post’s media 404 before its time, and redirects once it is published', async () => {
    const media = await upload()
    const publishAt = new Date(Date.now() + 86_400_000).toISOString()
    const postId = await post('the-show', media, { publishAt })
    const path = pathOf(media.originalUrl)
    for (const who of [undefined, fan, outsider]) await expectHiddenOnBoth(path, who)
    const staff = await request(redirectNode, path, owner)
    expect(staff.status).toBe(302)
    expect(staff.headers.get('cache-control')).toBe(`private, max-age=${LIFETIME / 4}`)

    const published = await ownerApi.post(`/api/v1/channels/the-show/posts/${postId}/publish`)
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    const anonymous = await request(redirectNode, path)
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('cache-control')).toBe(`public, max-age=${LIFETIME / 2}`)
    expect((await fetchLocation(anonymous.headers.get('location')!)).status).toBe(200)
  })

  it('lets public pages load images from the store (img-src), only in redirect mode', async () => {
    const imgSrc = async (node: TestServer) => {
      const res = await fetch(`${node.url}/c/the-show`)
      await res.arrayBuffer()
      expect(res.status).toBe(200)
      return /img-src ([^;]*)/.exec(res.headers.get('content-security-policy')!)![1]!.split(' ')
    }
    expect(await imgSrc(redirectNode)).toContain(s3.endpoint)
    expect(await imgSrc(proxyNode)).not.toContain(s3.endpoint)
  })
})

/** SigV4's X-Amz-Date format: 20250301T100000Z. */
function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}
