import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelRow, MediaStatus } from '../../src/db/schema.js'
import { listExpiredUnattached } from '../../src/media/store.js'
import { newId } from '../../src/util/ids.js'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { type SeededAccount, seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { insertMediaRow, storeKeys } from './albums.fixture.js'

const HOUR = 3_600_000

interface AvatarView {
  url: string
  width: number
  height: number
  blurhash: string | null
  variants: { name: string; width: number; height: number; format: string; url: string }[]
}
interface Uploaded {
  id: string
  originalUrl: string
  variants: { name: string; format: string; url: string }[]
}

/** Issue 5: channel avatars — set, replace, remove, who may, bad ids, who sees them, the sweep. */
describe.each(testDatabases)('channel avatars on %s', (kind) => {
  let server: TestServer
  const clock = { t: Date.parse('2025-03-01T10:00:00Z'), now: () => clock.t }
  const people = {} as Record<
    'owner' | 'admin' | 'creator' | 'fan' | 'outsider' | 'insider' | 'banned',
    SeededAccount
  >
  const as = {} as Record<keyof typeof people | 'anonymous', Client>
  let show: ChannelRow
  let room: ChannelRow
  let sizes = 0

  beforeAll(async () => {
    server = await startTestServer(kind, {
      overrides: { clock },
      env: { BACKLOT_MEDIA_UPLOAD_LIMIT: '1000' },
    })
    for (const name of ['owner', 'admin', 'creator', 'fan', 'outsider', 'insider', 'banned'] as const) {
      people[name] = await seedAccount(server.ctx, name)
      as[name] = client(server.url, { token: people[name].token })
    }
    as.anonymous = client(server.url)
    show = await seedChannel(server.ctx, people.owner.account, { slug: 'the-show', title: 'The Show' })
    await seedMember(server.ctx, show, people.admin.account, 'admin')
    await seedMember(server.ctx, show, people.creator.account, 'creator')
    await seedMember(server.ctx, show, people.fan.account, null)
    room = await seedChannel(server.ctx, people.owner.account, {
      slug: 'writers-room',
      visibility: 'private',
    })
    await seedMember(server.ctx, room, people.admin.account, 'admin')
    await seedMember(server.ctx, room, people.insider.account, null)
    await server.ctx.db
      .insertInto('channel_ban')
      .values({
        channel_id: room.id,
        account_id: people.banned.account.id,
        banned_by: people.owner.account.id,
        reason: 'leaks',
        created_at: clock.now(),
      })
      .execute()
  })
  afterAll(async () => {
    await server.destroy()
  })

  async function upload(who: SeededAccount = people.admin, options: { spoiler?: string } = {}) {
    sizes += 1
    const bytes = await noisyJpeg(40 + (sizes % 30), 40 + ((sizes * 7) % 20))
    const res = await uploadImage(server.url, who.token, bytes, options)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as Uploaded
  }

  const channelPath = (c: ChannelRow) => `/api/v1/channels/${c.slug}`
  const setAvatar = (who: Client, c: ChannelRow, avatarMediaId: string | null, extra = {}) =>
    who.patch(channelPath(c), { avatarMediaId, ...extra })

  async function mediaRow(id: string) {
    return server.ctx.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst()
  }
  async function fileStatus(url: string, who?: SeededAccount) {
    const res = await fetch(url, { headers: who ? { authorization: `Bearer ${who.token}` } : {} })
    await res.arrayBuffer()
    return { status: res.status, cacheControl: res.headers.get('cache-control') }
  }
  /** The channel's avatar link, audit entries and events: what a refused change must leave as is. */
  async function snapshot(c: ChannelRow) {
    const db = server.ctx.db
    return {
      channel: await db.selectFrom('channel').selectAll().where('id', '=', c.id).executeTakeFirst(),
      avatar: await db.selectFrom('channel_avatar').selectAll().where('channel_id', '=', c.id).execute(),
      audit: await db.selectFrom('audit_log').select('id').where('channel_id', '=', c.id).execute(),
      events: await db.selectFrom('channel_event').select('id').where('channel_id', '=', c.id).execute(),
    }
  }
  async function lastEvent(c: ChannelRow) {
    const row = await server.ctx.db
      .selectFrom('channel_event')
      .selectAll()
      .where('channel_id', '=', c.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    return { type: row.type, data: JSON.parse(row.data) as { avatar: AvatarView | null } }
  }

  it('sets the avatar: small variants in the view, lists and event, audited, served to anyone', async () => {
    const media = await upload()
    const res = await setAvatar(as.admin, show, media.id)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const avatar = res.body.avatar as AvatarView
    expect(avatar.url).toBe(`${server.url}/media/${media.id}/320.jpg`)
    expect(avatar.variants.map((v) => [v.name, v.format])).toEqual([
      ['320', 'webp'],
      ['320', 'jpeg'],
    ])
    expect(avatar.width).toBeGreaterThan(0)
    expect(avatar.height).toBeGreaterThan(0)
    expect(avatar.blurhash).toEqual(expect.any(String))

    // Every way of reading the channel shows it.
    expect((await as.anonymous.get(channelPath(show))).body.avatar).toEqual(avatar)
    const listed = (await as.anonymous.get('/api/v1/channels')).body.items
    expect(listed.find((c: { slug: string }) => c.slug === 'the-show').avatar).toEqual(avatar)
    const mine = (await as.fan.get('/api/v1/channels?member=me')).body.items
    expect(mine.find((c: { slug: string }) => c.slug === 'the-show').avatar).toEqual(avatar)
    expect((await as.anonymous.get(channelPath(room))).status).toBe(404)

    // The public channel page shows it and shares it as the link preview image, titled by the channel.
    const page = await (await fetch(`${server.url}/c/the-show`)).text()
    expect(page).toContain(`<img class="avatar" src="${avatar.url}"`)
    expect(page).toContain(`<meta property="og:image" content="${avatar.url}">`)
    expect(page).toContain('<meta property="og:image:alt" content="The Show">')

    // channel.updated carries it, so open pages update live; the audit log names the upload.
    expect(await lastEvent(show)).toEqual({
      type: 'channel.updated',
      data: expect.objectContaining({ avatar }),
    })
    const audit = (await as.owner.get(`${channelPath(show)}/audit-log`)).body.items[0]
    expect(audit).toMatchObject({
      action: 'channel.updated',
      actorHandle: 'admin',
      details: { changes: { avatarMediaId: media.id } },
    })

    // Public channel: anyone gets the files, cacheably.
    for (const v of avatar.variants) {
      expect(await fileStatus(v.url)).toEqual({
        status: 200,
        cacheControl: 'public, max-age=60',
      })
    }
    expect((await as.outsider.get(`/api/v1/media/${media.id}`)).status).toBe(200)
    // Claimed: no longer edited through the media API.
    const edit = await as.admin.patch(`/api/v1/media/${media.id}`, { spoiler: true })
    expect(edit.status).toBe(409)
    expect(edit.body.code).toBe('media-attached')
    // Setting the same avatar again is a no-op for it.
    expect((await setAvatar(as.admin, show, media.id)).body.avatar).toEqual(avatar)
    expect(await mediaRow(media.id)).toBeDefined()
  })

  it('replaces the avatar: the old image is deleted with its files, the new one served', async () => {
    const first = await upload()
    expect((await setAvatar(as.admin, show, first.id)).status).toBe(200)
    const firstRow = (await mediaRow(first.id))!
    const second = await upload(people.owner)
    const res = await setAvatar(as.owner, show, second.id)
    expect(res.status).toBe(200)
    expect(res.body.avatar.url).toBe(`${server.url}/media/${second.id}/320.jpg`)
    expect(await mediaRow(first.id)).toBeUndefined()
    for (const key of storeKeys(firstRow)) expect(await server.ctx.mediaStore.exists(key)).toBe(false)
    expect((await fileStatus(first.variants[0]!.url, people.admin)).status).toBe(404)
    expect((await fileStatus(res.body.avatar.url)).status).toBe(200)
    expect((await lastEvent(show)).data.avatar?.url).toBe(res.body.avatar.url)
  })

  it('removes the avatar with null: initials again, the image deleted', async () => {
    const media = await upload()
    expect((await setAvatar(as.admin, show, media.id)).status).toBe(200)
    const row = (await mediaRow(media.id))!
    const res = await setAvatar(as.admin, show, null)
    expect(res.status).toBe(200)
    expect(res.body.avatar).toBeNull()
    expect((await as.anonymous.get(channelPath(show))).body.avatar).toBeNull()
    expect((await lastEvent(show)).data.avatar).toBeNull()
    expect(await mediaRow(media.id)).toBeUndefined()
    for (const key of storeKeys(row)) expect(await server.ctx.mediaStore.exists(key)).toBe(false)
    // Removing when there is none changes nothing but is fine.
    expect((await setAvatar(as.admin, show, null)).status).toBe(200)
  })

  it('runs concurrent changes one after the other: both succeed, the later avatar stays', async () => {
    const [mine, theirs] = [await upload(), await upload(people.owner)]
    const results = await Promise.all([
      setAvatar(as.admin, show, mine.id),
      setAvatar(as.owner, show, theirs.id),
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200])
    const links = await server.ctx.db
      .selectFrom('channel_avatar')
      .selectAll()
      .where('channel_id', '=', show.id)
      .execute()
    expect(links).toHaveLength(1)
    const kept = links[0]!.media_id
    expect(await mediaRow(kept === mine.id ? theirs.id : mine.id)).toBeUndefined()
    expect((await as.anonymous.get(channelPath(show))).body.avatar.url).toContain(kept)
  })

  it('refuses staff without channel.update, fans, outsiders and visitors, changing nothing', async () => {
    const admins = await upload()
    expect((await setAvatar(as.admin, show, admins.id)).status).toBe(200)
    const before = await snapshot(show)
    const creators = await upload(people.creator)
    expect((await setAvatar(as.creator, show, creators.id)).body.code).toBe('not-allowed')
    for (const who of [as.creator, as.fan, as.outsider]) {
      const res = await setAvatar(who, show, null)
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('not-allowed')
    }
    expect((await setAvatar(as.anonymous, show, null)).status).toBe(401)
    // A private channel does not exist for outsiders; a member fan is refused.
    expect((await setAvatar(as.outsider, room, null)).status).toBe(404)
    expect((await setAvatar(as.insider, room, null)).body.code).toBe('not-allowed')
    expect(await snapshot(show)).toEqual(before)
    expect(await mediaRow(creators.id)).toBeDefined()
  })

  it('refuses bad ids with clear problems, applying nothing of the request', async () => {
    const current = await upload()
    expect((await setAvatar(as.admin, show, current.id)).status).toBe(200)
    // An upload already in a post (posted before the snapshot: posting appends an event).
    const inPost = await upload()
    const post = await as.admin.post(`${channelPath(show)}/posts`, { media: [{ id: inPost.id }] })
    expect(post.status).toBe(201)
    const before = await snapshot(show)
    const refuse = async (id: string, status: number, code: string) => {
      const res = await setAvatar(as.admin, show, id, { title: 'Renamed' })
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.code).toBe(code)
      return res.body
    }

    expect((await refuse('not-a-media-id', 422, 'validation')).errors[0].field).toBe('/avatarMediaId')
    expect((await refuse(newId(), 404, 'media-not-found')).detail).toMatch(/No media/)
    // Someone else's upload looks exactly like an unknown one.
    const creators = await upload(people.creator)
    expect((await refuse(creators.id, 404, 'media-not-found')).mediaId).toBe(creators.id)
    for (const status of ['processing', 'failed'] as MediaStatus[]) {
      const row = await insertMediaRow(server, people.admin.account.id, status)
      await refuse(row.id, 409, 'media-not-ready')
    }
    expect((await refuse(inPost.id, 409, 'media-already-used')).detail).toMatch(/already in a post/)
    // Another channel's avatar (the admin's, in the private room).
    const roomAvatar = await upload()
    expect((await setAvatar(as.admin, room, roomAvatar.id)).status).toBe(200)
    await refuse(roomAvatar.id, 409, 'media-already-used')
    // A spoiler image would be shown unblurred everywhere the channel is.
    const spoiler = await upload(people.admin, { spoiler: 'true' })
    expect((await refuse(spoiler.id, 422, 'validation')).errors[0].field).toBe('/avatarMediaId')

    expect(await snapshot(show)).toEqual(before)
    expect((await as.anonymous.get(channelPath(show))).body.title).toBe('The Show')
    // The other way round: an avatar cannot go into an album.
    const album = await as.admin.post(`${channelPath(show)}/posts`, { media: [{ id: current.id }] })
    expect(album.status).toBe(409)
    expect(album.body.code).toBe('media-already-used')
  })

  it("serves a private channel's avatar to its members only, never cached", async () => {
    const media = await upload()
    const res = await setAvatar(as.admin, room, media.id)
    expect(res.status).toBe(200)
    const urls = [...res.body.avatar.variants.map((v: { url: string }) => v.url), media.originalUrl]
    for (const url of urls) {
      for (const who of [people.insider, people.admin, people.owner]) {
        expect(await fileStatus(url, who)).toEqual({ status: 200, cacheControl: 'private, no-store' })
      }
      for (const who of [undefined, people.outsider, people.fan, people.banned]) {
        expect((await fileStatus(url, who)).status).toBe(404)
      }
    }
    expect((await as.insider.get(`/api/v1/media/${media.id}`)).status).toBe(200)
    expect((await as.outsider.get(`/api/v1/media/${media.id}`)).body.code).toBe('media-not-found')
    expect((await as.insider.get(channelPath(room))).body.avatar.url).toBe(res.body.avatar.url)
  })

  it('keeps avatars through the unattached-media sweep, and deletes them with their channel', async () => {
    const doomed = await seedChannel(server.ctx, people.admin.account, { slug: 'short-lived' })
    const avatar = await upload()
    const doomedAvatar = await upload()
    const loose = await upload()
    expect((await setAvatar(as.admin, show, avatar.id)).status).toBe(200)
    expect((await setAvatar(as.admin, doomed, doomedAvatar.id)).status).toBe(200)
    // Production facts also append channel.updated: it must still carry the avatar.
    const facts = await as.admin.put(`${channelPath(doomed)}/production`, { kind: 'film', title: 'Short' })
    expect(facts.status).toBe(200)
    expect((await lastEvent(doomed)).data.avatar?.url).toBe(`${server.url}/media/${doomedAvatar.id}/320.jpg`)

    clock.t += 48 * HOUR
    // Not even a candidate (the foreign key alone would keep the row, but a sweep batch full of
    // avatars would then make no progress and stop before the real leftovers).
    const candidates = await listExpiredUnattached(server.ctx.db, clock.now(), 10_000)
    expect(candidates.map((r) => r.id)).toContain(loose.id)
    expect(candidates.map((r) => r.id)).not.toContain(avatar.id)
    const result = await server.ctx.media.sweepUnattached()
    expect(result.media).toBeGreaterThanOrEqual(1)
    expect(await mediaRow(loose.id)).toBeUndefined()
    const kept = (await mediaRow(avatar.id))!
    for (const key of storeKeys(kept)) expect(await server.ctx.mediaStore.exists(key)).toBe(true)
    expect((await fileStatus(`${server.url}/media/${avatar.id}/320.jpg`)).status).toBe(200)

    // Its owner deletes the channel: the avatar goes with it, files included.
    const doomedRow = (await mediaRow(doomedAvatar.id))!
    expect((await as.admin.delete(channelPath(doomed))).status).toBe(204)
    expect(await mediaRow(doomedAvatar.id)).toBeUndefined()
    for (const key of storeKeys(doomedRow)) expect(await server.ctx.mediaStore.exists(key)).toBe(false)
  })
})
