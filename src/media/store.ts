import type { ExpressionBuilder, Insertable, Updateable } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { Database, MediaCaption, MediaRow, MediaTable, MediaVariant, Role } from '../db/schema.js'

/** Plain queries over `media` and what claims it; the rules live in service.ts and claims.ts. */

/**
 * Is the media row claimed: an image of an album (`post_media`), a channel's avatar
 * (`channel_avatar`) or a link preview's re-hosted image (`link_preview`, issue 18)? Claimed media
 * is never swept and no longer edited through the media API.
 */
function isClaimed(eb: ExpressionBuilder<Database, 'media'>) {
  return eb.or([
    eb.exists(
      eb
        .selectFrom('post_media')
        .select('post_media.media_id')
        .whereRef('post_media.media_id', '=', 'media.id'),
    ),
    eb.exists(
      eb
        .selectFrom('channel_avatar')
        .select('channel_avatar.media_id')
        .whereRef('channel_avatar.media_id', '=', 'media.id'),
    ),
    eb.exists(
      eb
        .selectFrom('link_preview')
        .select('link_preview.image_media_id')
        .whereRef('link_preview.image_media_id', '=', 'media.id'),
    ),
  ])
}

/** What rendering an image needs from its media row: size, placeholder and files. */
export type MediaFile = Pick<
  MediaRow,
  | 'width'
  | 'height'
  | 'blurhash'
  | 'original_key'
  | 'variants'
  | 'mime'
  | 'duration_ms'
  | 'waveform'
  | 'captions'
>

/** The MediaFile columns, for queries that join `media` to what uses the image. */
export const mediaFileColumns = [
  'media.width',
  'media.height',
  'media.blurhash',
  'media.original_key',
  'media.variants',
  'media.mime',
  'media.duration_ms',
  'media.waveform',
  'media.captions',
] as const

export async function insertMedia(db: DbOrTx, row: Insertable<MediaTable>): Promise<void> {
  await db.insertInto('media').values(row).execute()
}

export async function findMedia(db: DbOrTx, id: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findMediaByIds(db: DbOrTx, ids: readonly string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('media').selectAll().where('id', 'in', ids).execute()
}

/** Sets the processing outcome; returns false when the row no longer exists (swept meanwhile). */
export async function completeMedia(
  db: DbOrTx,
  id: string,
  values: Pick<
    MediaTable,
    'status' | 'error' | 'width' | 'height' | 'blurhash' | 'original_key' | 'ready_at'
  > &
    Partial<Pick<MediaTable, 'duration_ms'>> & {
      variants: MediaVariant[]
      waveform?: number[] | null
    },
): Promise<boolean> {
  const { waveform, ...rest } = values
  const result = await db
    .updateTable('media')
    .set({
      ...rest,
      variants: JSON.stringify(values.variants),
      ...(waveform !== undefined && { waveform: waveform && JSON.stringify(waveform) }),
    })
    .where('id', '=', id)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Records how far a `processing` row has come (0–1000) and renews its lease: every node reads the
 * progress from here, so the studio sees it whichever node it asks.
 */
export async function writeProgress(db: DbOrTx, id: string, permille: number, now: number): Promise<void> {
  await db
    .updateTable('media')
    .set({ progress_permille: permille, heartbeat_at: now })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .execute()
}

/** Renews the lease of `processing` rows this process is still working on. */
export async function renewLeases(db: DbOrTx, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('media')
    .set({ heartbeat_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'processing')
    .execute()
}

/**
 * Fails `processing` rows whose lease ran out before `cutoff` (their process crashed or was
 * killed: nothing will ever finish them) with `processing-interrupted`; returns their ids.
 */
export async function failAbandonedProcessing(db: DbOrTx, cutoff: number): Promise<string[]> {
  const rows = await db
    .updateTable('media')
    .set({ status: 'failed', error: 'processing-interrupted', progress_permille: null })
    .where('status', '=', 'processing')
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', cutoff)]))
    .returning('id')
    .execute()
  return rows.map((r) => r.id)
}

/** Updates the descriptive fields of an unclaimed media item; false if it is claimed or gone. */
export async function updateUnattachedMedia(
  db: DbOrTx,
  id: string,
  values: Pick<Updateable<MediaTable>, 'alt' | 'credit' | 'rights' | 'spoiler' | 'spoiler_label'>,
): Promise<boolean> {
  const result = await db
    .updateTable('media')
    .set(values)
    .where('id', '=', id)
    .where((eb) => eb.not(isClaimed(eb)))
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Replaces a video's caption list if it is still `expected` (no concurrent change) and the row is
 * unclaimed; false otherwise.
 */
export async function replaceUnattachedCaptions(
  db: DbOrTx,
  id: string,
  expected: string,
  captions: string,
): Promise<boolean> {
  const result = await db
    .updateTable('media')
    .set({ captions })
    .where('id', '=', id)
    .where('captions', '=', expected)
    .where((eb) => eb.not(isClaimed(eb)))
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

const uploaderRoles: Role[] = ['owner', 'admin', 'creator']

/** Is the account owner, admin or creator in at least one channel (who may upload)? */
export async function canUploadAnywhere(db: DbOrTx, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_member')
    .select('channel_id')
    .where('account_id', '=', accountId)
    .where('role', 'in', uploaderRoles)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Media created before `cutoff` and claimed by no album and no channel avatar: the sweep's candidates. */
export async function listExpiredUnattached(db: DbOrTx, cutoff: number, limit: number): Promise<MediaRow[]> {
  return db
    .selectFrom('media')
    .selectAll()
    .where('created_at', '<', cutoff)
    .where((eb) => eb.not(isClaimed(eb)))
    .orderBy('created_at')
    .limit(limit)
    .execute()
}

/** Deletes the row only if it is still unclaimed; false when it was claimed (or gone) meanwhile. */
export async function deleteUnattachedMedia(db: DbOrTx, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('media')
    .where('id', '=', id)
    .where((eb) => eb.not(isClaimed(eb)))
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

/**
 * Takes the row locks of these media items for the rest of the transaction (PostgreSQL) with a
 * no-op write, reading them back in the same statement. Two albums claiming the same upload at once thus run one after the
 * other, and the second sees the first's link; a concurrent unattached-media sweep cannot delete a
 * row between our check and our link. Ids are locked in sorted order so that two claims of
 * overlapping sets cannot deadlock. SQLite has a single writer, which gives the same guarantee.
 */
export async function lockMediaRows(db: DbOrTx, ids: readonly string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return []
  const sorted = [...ids].sort()
  // RETURNING reads the rows in the same statement (one round trip, issue 21 part 3): the no-op
  // write changed nothing, so they are the rows as they were.
  return db
    .updateTable('media')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', 'in', sorted)
    .returningAll()
    .execute()
}

/** Which of these media ids are claimed already: in some album, a channel's avatar, a link preview. */
export async function findLinkedMediaIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom('post_media')
    .select('media_id')
    .where('media_id', 'in', ids)
    .union(db.selectFrom('channel_avatar').select('media_id').where('media_id', 'in', ids))
    .union(
      db
        .selectFrom('link_preview')
        .select((eb) => eb.fn.coalesce('image_media_id', eb.val('')).as('media_id'))
        .where('image_media_id', 'in', ids),
    )
    .execute()
  return new Set(rows.map((r) => r.media_id))
}

/**
 * Is a stored file still used by some media row (as its original, a variant or a rendering)? Keys are
 * content-addressed, so two media items with identical pixels share files. Keys match a strict
 * hex pattern, so they contain no LIKE wildcards.
 */
export async function isKeyReferenced(db: DbOrTx, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('media')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('original_key', '=', key),
        eb('variants', 'like', `%"${key}"%`),
        eb('captions', 'like', `%"${key}"%`),
      ]),
    )
    .limit(1)
    .executeTakeFirst()
  if (row) return true
  const rendering = await db
    .selectFrom('media_rendering')
    .select('media_id')
    .where('key', '=', key)
    .limit(1)
    .executeTakeFirst()
  return rendering !== undefined
}

export function parseVariants(row: Pick<MediaRow, 'variants'>): MediaVariant[] {
  return JSON.parse(row.variants) as MediaVariant[]
}

/** A video's caption tracks; none for a row read without the column (or an image). */
export function parseCaptions(row: Partial<Pick<MediaRow, 'captions'>>): MediaCaption[] {
  return row.captions ? (JSON.parse(row.captions) as MediaCaption[]) : []
}

/** A media row deleted with its renderings, whose store keys were read before they cascaded away. */
export type DeletedMediaRow = MediaRow & { renderingKeys: string[] }

/** Deletes media rows (their album links must be gone); returns the rows as they were. */
export async function deleteMediaRows(db: DbOrTx, ids: readonly string[]): Promise<DeletedMediaRow[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('media').selectAll().where('id', 'in', ids).execute()
  // Renderings (blurred stand-ins) go with their media row by cascade: read their keys first, so
  // their files are deleted with the others' (keysOf).
  const renderings = await db
    .selectFrom('media_rendering')
    .select(['media_id', 'key'])
    .where('media_id', 'in', ids)
    .execute()
  await db.deleteFrom('media').where('id', 'in', ids).execute()
  return rows.map((row) => ({
    ...row,
    renderingKeys: renderings.filter((r) => r.media_id === row.id).map((r) => r.key),
  }))
}

/** Every store key a media row points at: original, variants and, once deleted, its renderings. */
export function keysOf(
  row: Pick<MediaRow, 'original_key' | 'variants'> &
    Partial<Pick<MediaRow, 'captions'>> & { renderingKeys?: readonly string[] },
): string[] {
  const keys = [
    ...parseVariants(row).map((v) => v.key),
    ...parseCaptions(row).map((c) => c.key),
    ...(row.renderingKeys ?? []),
  ]
  return row.original_key ? [row.original_key, ...keys] : keys
}
