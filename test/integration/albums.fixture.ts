import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import type { MediaRow, MediaStatus } from '../../src/db/schema.js'
import { newId } from '../../src/util/ids.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import type { TestServer } from '../_util/server.js'
import { seedSetDiary } from './posts.fixture.js'

/** Uploads are rate limited per account; album tests upload dozens of (tiny) images. */
export const albumServerEnv = { BACKLOT_MEDIA_UPLOAD_LIMIT: '1000' }

/**
 * "set-diary" with an owner, two creators and a fan, an insider of "writers-room" and an outsider
 * (see `seedSetDiary`).
 */
export async function seedAlbumWorld(server: TestServer) {
  return seedSetDiary(server, {
    owner: ['showrunner', 'owner'],
    creator: ['cocreator', 'creator'],
    creator2: ['stills', 'creator'],
    fan: ['fan', 'fan'],
    insider: ['insider', 'insider'],
    outsider: ['outsider', 'outsider'],
  })
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

/** Uploads `count` small, distinct JPEGs (each a different size, from `smallest` up) as the token's account. */
export async function uploadMany(
  server: TestServer,
  token: string,
  count: number,
  options: { alt?: string; credit?: string; spoiler?: string } = {},
  smallest = { width: 32, height: 24 },
): Promise<UploadedMedia[]> {
  const uploaded: UploadedMedia[] = []
  for (let i = 0; i < count; i++) {
    sizes += 1
    const bytes = await noisyJpeg(smallest.width + (sizes % 40), smallest.height + ((sizes * 7) % 30))
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
    duration_ms: null,
    waveform: null,
    width: 4000,
    height: 3000,
    blurhash: null,
    alt: '',
    credit: null,
    rights: null,
    spoiler: 0,
    spoiler_label: null,
    bytes: 12_000_000,
    original_key: null,
    variants: '[]',
    created_at: Date.now(),
    ready_at: null,
    captions: '[]',
    progress_permille: null,
    heartbeat_at: status === 'processing' ? Date.now() : null,
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
