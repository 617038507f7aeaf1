import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import type { MediaRow, MediaStatus } from '../../src/db/schema.js'
import { newId } from '../../src/util/ids.js'
import { client } from '../_util/client.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'

/** Uploads are rate limited per account; album tests upload dozens of (tiny) images. */
export const albumServerEnv = { MEDIA_UPLOAD_LIMIT: '1000' }

/**
 * A public channel "set-diary" (owner, two creators, a fan) and a private "writers-room" (owner and
 * one member), with a client per account and an anonymous one.
 */
export async function seedAlbumWorld(server: TestServer) {
  const ctx = server.ctx
  const owner = await seedAccount(ctx, 'showrunner')
  const creator = await seedAccount(ctx, 'cocreator')
  const creator2 = await seedAccount(ctx, 'stills')
  const fan = await seedAccount(ctx, 'fan')
  const insider = await seedAccount(ctx, 'insider')
  const outsider = await seedAccount(ctx, 'outsider')
  const channel = await seedChannel(ctx, owner.account, { slug: 'set-diary' })
  await seedMember(ctx, channel, creator.account, 'creator')
  await seedMember(ctx, channel, creator2.account, 'creator')
  await seedMember(ctx, channel, fan.account, null)
  const privateChannel = await seedChannel(ctx, owner.account, {
    slug: 'writers-room',
    visibility: 'private',
  })
  await seedMember(ctx, privateChannel, insider.account, null)
  const as = (token: string) => client(server.url, { token })
  return {
    channel,
    privateChannel,
    accounts: { owner, creator, creator2, fan, insider, outsider },
    owner: as(owner.token),
    creator: as(creator.token),
    creator2: as(creator2.token),
    fan: as(fan.token),
    insider: as(insider.token),
    outsider: as(outsider.token),
    anonymous: client(server.url),
  }
}

export interface UploadedMedia {
  id: string
  width: number
  height: number
  blurhash: string
  alt: string
  variants: { name: string; width: number; height: number; format: string; url: string }[]
  originalUrl: string
}

let sizes = 0

/** Uploads `count` small, distinct JPEGs (each a different size) as the token's account. */
export async function uploadMany(
  server: TestServer,
  token: string,
  count: number,
  options: { alt?: string; credit?: string; spoiler?: string } = {},
): Promise<UploadedMedia[]> {
  const uploaded: UploadedMedia[] = []
  for (let i = 0; i < count; i++) {
    sizes += 1
    const bytes = await noisyJpeg(32 + (sizes % 40), 24 + ((sizes * 7) % 30))
    const res = await uploadImage(server.url, token, bytes, options)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    uploaded.push(res.body as UploadedMedia)
  }
  return uploaded
}

/** A media row of `ownerId` in a state an upload passes through (processing) or ends in (failed). */
export async function insertMediaRow(server: TestServer, ownerId: string, status: MediaStatus) {
  const row: MediaRow = {
    id: newId(),
    owner_id: ownerId,
    status,
    error: status === 'failed' ? 'image-corrupt' : null,
    mime: 'image/jpeg',
    width: 4000,
    height: 3000,
    blurhash: null,
    alt: '',
    credit: null,
    spoiler: 0,
    bytes: 12_000_000,
    original_key: null,
    variants: '[]',
    created_at: Date.now(),
    ready_at: null,
  }
  await server.ctx.db.insertInto('media').values(row).execute()
  return row
}

/** What publishing an album writes: to prove a refused request changed none of it. */
export async function albumTables(server: TestServer) {
  const db = server.ctx.db
  return {
    posts: await db.selectFrom('post').selectAll().orderBy('id').execute(),
    links: await db.selectFrom('post_media').selectAll().orderBy('media_id').execute(),
    events: await db.selectFrom('channel_event').selectAll().orderBy('channel_id').orderBy('seq').execute(),
    revisions: await db.selectFrom('post_revision').selectAll().orderBy('id').execute(),
    media: await db.selectFrom('media').selectAll().orderBy('id').execute(),
  }
}

/** The store keys of a media row (original and variants). */
export function storeKeys(row: Pick<MediaRow, 'original_key' | 'variants'>): string[] {
  const variants = JSON.parse(row.variants) as { key: string }[]
  return [row.original_key!, ...variants.map((v) => v.key)]
}

/** Does the disk media store under `dataDir` hold this key? */
export function fileExists(dataDir: string, key: string): boolean {
  return fs.existsSync(path.join(dataDir, 'media', key))
}

/** An album item as sent: just the id. */
export const ids = (media: readonly { id: string }[]) => media.map((m) => ({ id: m.id }))
