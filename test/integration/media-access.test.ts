import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountRow, ChannelRow, PostStatus } from '../../src/db/schema.js'
import { newId } from '../../src/util/ids.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { noisyJpeg, plainJpeg, uploadImage } from '../_util/images.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

const HOUR = 3_600_000

describe.each(testDatabases)('media access and cleanup on %s', (kind) => {
  let server: TestServer
  const clock = { t: Date.parse('2025-03-01T10:00:00Z'), now: () => clock.t }
  let owner: SeededAccount
  let fan: SeededAccount
  let outsider: SeededAccount
  let privateMember: SeededAccount
  let publicChannel: ChannelRow
  let privateChannel: ChannelRow

  beforeAll(async () => {
    server = await startTestServer(kind, { overrides: { clock } })
    owner = await seedAccount(server.ctx, 'owner')
    fan = await seedAccount(server.ctx, 'fan')
    outsider = await seedAccount(server.ctx, 'outsider')
    privateMember = await seedAccount(server.ctx, 'insider')
    publicChannel = await seedChannel(server.ctx, owner.account, { slug: 'the-show' })
    privateChannel = await seedChannel(server.ctx, owner.account, {
      slug: 'writers-room',
      visibility: 'private',
    })
    await seedMember(server.ctx, publicChannel, fan.account, null)
    await seedMember(server.ctx, privateChannel, privateMember.account, null)
  })
  afterAll(async () => {
    await server.destroy()
  })

  async function upload(bytes?: Buffer) {
    const res = await uploadImage(server.url, owner.token, bytes ?? (await noisyJpeg(48, 32)))
    expect(res.status).toBe(201)
    return res.body as { id: string; originalUrl: string; variants: { url: string; format: string }[] }
  }

  /** Seeds an album post holding the media directly: the posts API is another area's. */
  async function attach(mediaId: string, channel: ChannelRow, author: AccountRow, status: PostStatus) {
    const now = clock.now()
    const postId = newId()
    await server.ctx.db
      .insertInto('post')
      .values({
        id: postId,
        channel_id: channel.id,
        author_id: author.id,
        kind: 'album',
        text: '',
        status,
        publish_at: null,
        published_at: status === 'published' ? now : null,
        edited_at: null,
        deleted_at: status === 'deleted' ? now : null,
        pinned_at: null,
        spoiler_label: null,
        idempotency_key: null,
        idempotency_fingerprint: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
    await server.ctx.db
      .insertInto('post_media')
      .values({ post_id: postId, media_id: mediaId, position: 0, alt: '', credit: null })
      .execute()
    return postId
  }

  /**
   * GET with the whole body read before returning: fetch resolves on headers, and a body still
   * streaming when the server closes would hold its keep-alive connection open.
   */
  async function get(url: string, who?: SeededAccount, headers: Record<string, string> = {}) {
    const res = await fetch(url, {
      headers: { ...headers, ...(who && { authorization: `Bearer ${who.token}` }) },
    })
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
  }

  async function expectHidden(url: string, who?: SeededAccount) {
    const res = await get(url, who)
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body.toString()).code).toBe('media-not-found')
  }

  it('serves media of a published post in a public channel to anyone, cacheably and safely', async () => {
    const media = await upload()
    await attach(media.id, publicChannel, owner.account, 'published')
    const webp = media.variants.find((v) => v.format === 'webp')!.url
    for (const who of [undefined, fan, outsider]) {
      const res = await get(webp, who)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/webp')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('content-disposition')).toBe('inline')
      expect(res.headers.get('cache-control')).toBe('public, max-age=60')
      expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/)
      expect(res.body.length).toBe(Number(res.headers.get('content-length')))
    }
    const original = await get(media.originalUrl)
    expect(original.headers.get('content-type')).toBe('image/jpeg')
    const etag = original.headers.get('etag')!
    expect((await get(media.originalUrl, undefined, { 'if-none-match': etag })).status).toBe(304)
    // The API object follows the post's visibility too.
    expect((await client(server.url).get(`/api/v1/media/${media.id}`)).body.id).toBe(media.id)
  })

  it('does not serve media of a private channel to non-members, and does not cache it for members', async () => {
    const media = await upload()
    await attach(media.id, privateChannel, owner.account, 'published')
    for (const url of [media.originalUrl, ...media.variants.map((v) => v.url)]) {
      await expectHidden(url)
      await expectHidden(url, outsider)
      await expectHidden(url, fan)
    }
    expect(
      (await client(server.url, { token: outsider.token }).get(`/api/v1/media/${media.id}`)).status,
    ).toBe(404)
    const member = await get(media.originalUrl, privateMember)
    expect(member.status).toBe(200)
    expect(member.headers.get('cache-control')).toBe('private, no-store')
    expect((await get(media.originalUrl, owner)).status).toBe(200)
  })

  it('shows media of unpublished posts only to staff, and of deleted posts to nobody', async () => {
    const draft = await upload()
    await attach(draft.id, publicChannel, owner.account, 'scheduled')
    await expectHidden(draft.originalUrl, fan)
    await expectHidden(draft.originalUrl)
    const staff = await get(draft.originalUrl, owner)
    expect(staff.status).toBe(200)
    expect(staff.headers.get('cache-control')).toBe('private, no-store')

    const deleted = await upload()
    await attach(deleted.id, publicChannel, owner.account, 'deleted')
    for (const who of [undefined, fan, owner]) await expectHidden(deleted.originalUrl, who)
  })

  it('shows unattached media only to its owner, never cached', async () => {
    const media = await upload()
    const res = await get(media.originalUrl, owner)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    for (const who of [undefined, fan, outsider]) await expectHidden(media.originalUrl, who)
  })

  it('refuses paths a client could steer, and unknown files of a known media id', async () => {
    const media = await upload(await plainJpeg(40, 20))
    const base = `${server.url}/media/${media.id}`
    for (const suffix of ['1080.webp', '2048.jpg', 'original.png', 'original.webp'])
      await expectHidden(`${base}/${suffix}`, owner)
    for (const hostile of [
      '..%2f..%2fetc%2fpasswd',
      '%2e%2e%2f%2e%2e%2fbacklot.db',
      'original.jpg%00.html',
      '320.svg',
    ]) {
      const res = await get(`${base}/${hostile}`, owner)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
    const traversal = await get(`${server.url}/media/../../etc/passwd`, owner)
    expect(traversal.status).toBe(404)
    expect(traversal.body.toString()).not.toContain('root:')
  })

  it('refuses to edit media once it belongs to a post', async () => {
    const media = await upload()
    await attach(media.id, publicChannel, owner.account, 'published')
    const res = await client(server.url, { token: owner.token }).patch(`/api/v1/media/${media.id}`, {
      alt: 'late',
    })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('media-attached')
  })

  it('sweeps uploads left unattached past the TTL, keeping attached ones and files still shared', async () => {
    const start = clock.t
    const image = await noisyJpeg(40, 30)
    const expired = await upload(image)
    const attached = await upload()
    await attach(attached.id, publicChannel, owner.account, 'published')
    const unique = await upload(await plainJpeg(50, 30, '#123456', '#abcdef'))
    const keysOf = async (id: string) => {
      const row = await server.ctx.db
        .selectFrom('media')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      return [row.original_key!, ...JSON.parse(row.variants).map((v: { key: string }) => v.key)] as string[]
    }
    const uniqueKeys = await keysOf(unique.id)
    const sharedKeys = await keysOf(expired.id)

    clock.t = start + 25 * HOUR
    // Same pixels uploaded again now: same content-addressed files, still needed after the sweep.
    const recentTwin = await upload(image)
    expect(await keysOf(recentTwin.id)).toEqual(sharedKeys)

    const result = await server.ctx.media.sweepUnattached()
    expect(result.media).toBeGreaterThanOrEqual(2)
    const remaining = (await server.ctx.db.selectFrom('media').select('id').execute()).map((r) => r.id)
    expect(remaining).not.toContain(expired.id)
    expect(remaining).not.toContain(unique.id)
    expect(remaining).toEqual(expect.arrayContaining([attached.id, recentTwin.id]))
    for (const key of uniqueKeys) expect(await server.ctx.mediaStore.exists(key)).toBe(false)
    for (const key of sharedKeys) expect(await server.ctx.mediaStore.exists(key)).toBe(true)
    for (const key of await keysOf(attached.id)) expect(await server.ctx.mediaStore.exists(key)).toBe(true)
    await expectHidden(unique.originalUrl, owner)
    expect((await get(recentTwin.originalUrl, owner)).status).toBe(200)

    // Nothing left on disk that no row points at.
    const root = path.join(server.ctx.config.dataDir, 'media')
    const onDisk = fs
      .readdirSync(root, { recursive: true })
      .map(String)
      .filter((f) => /\.(jpg|webp|png)$/.test(f))
    const rows = await server.ctx.db.selectFrom('media').selectAll().execute()
    const referenced = new Set(
      rows.flatMap((r) => [r.original_key!, ...JSON.parse(r.variants).map((v: { key: string }) => v.key)]),
    )
    expect(onDisk.filter((f) => !referenced.has(f))).toEqual([])
  })
})
