import type { Readable } from 'node:stream'
import type { Db } from '../db/database.js'
import type { MediaRow, MediaVariant } from '../db/schema.js'
import type { Logger } from '../logger.js'
import { contentKey, type MediaExtension, type MediaStore } from '../media-store/media-store.js'
import type { EncodedFile, EncodedFormat, ProcessedImage } from './processing.js'
import { type DeletedMediaRow, isKeyReferenced, keysOf, parseVariants } from './store.js'

/** File names under /media/{id}/: `original.jpg`, `1080.webp`… */
export const FILE_NAME_PATTERN = '^(original|320|1080|2048)\\.(jpg|webp|png)$'

export const extensionOf: Record<EncodedFormat, MediaExtension> = { jpeg: 'jpg', webp: 'webp', png: 'png' }
export const contentTypeOf: Record<EncodedFormat, string> = {
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  png: 'image/png',
}

export interface StoredFiles {
  image: ProcessedImage
  originalKey: string
  variants: MediaVariant[]
}

/**
 * Puts the original and every variant into the media store (content-addressed, so a file already
 * there is kept). If any put fails, the files this call added and nobody else uses are removed
 * again before the error is rethrown.
 */
export async function storeProcessed(db: Db, store: MediaStore, image: ProcessedImage): Promise<StoredFiles> {
  const files = [image.original, ...image.variants]
  const keys = await Promise.all(files.map((f) => contentKey(f.bytes, extensionOf[f.format])))
  const puts = await Promise.allSettled(
    files.map((file, i) => store.put(keys[i]!, file.bytes, contentTypeOf[file.format])),
  )
  const failed = puts.find((p) => p.status === 'rejected')
  if (failed) {
    await deleteUnreferenced(db, store, keys)
    throw failed.reason
  }
  const variants = image.variants.map((file, i) => toVariant(file, keys[i + 1]!))
  return { image, originalKey: keys[0]!, variants }
}

function toVariant(file: EncodedFile, key: string): MediaVariant {
  return {
    name: file.name,
    width: file.width,
    height: file.height,
    format: file.format,
    key,
    bytes: file.bytes.length,
  }
}

/** Deletes the store files no media row points at any more; returns how many it deleted. */
export async function deleteUnreferenced(
  db: Db,
  store: MediaStore,
  keys: readonly string[],
): Promise<number> {
  let deleted = 0
  for (const key of new Set(keys)) {
    if (await isKeyReferenced(db, key)) continue
    await store.delete(key)
    deleted += 1
  }
  return deleted
}

/**
 * Deletes the files of media rows that were deleted in a transaction that has committed (a rollback
 * must never leave a row pointing at a deleted file). It never throws: a failure is logged, and the
 * files are then orphans that no row serves.
 */
export async function deleteFilesOfDeletedRows(
  deps: { db: Db; mediaStore: MediaStore; logger: Logger },
  rows: readonly DeletedMediaRow[],
): Promise<void> {
  if (rows.length === 0) return
  try {
    await deleteUnreferenced(deps.db, deps.mediaStore, rows.flatMap(keysOf))
  } catch (error) {
    deps.logger.error({ err: error, mediaIds: rows.map((r) => r.id) }, 'deleting media files failed')
  }
}

export interface MediaFileRef {
  key: string
  format: EncodedFormat
}

/** The stored file behind `/media/{id}/{fileName}`, looked up in the row (never derived from the path). */
export function findFile(media: MediaRow, fileName: string): MediaFileRef | undefined {
  const match = new RegExp(FILE_NAME_PATTERN).exec(fileName)
  if (!match || media.status !== 'ready') return undefined
  const [, name, ext] = match
  if (name === 'original') {
    const key = media.original_key
    const format = formatOfKey(key)
    return key && format && extensionOf[format] === ext ? { key, format } : undefined
  }
  const variant = parseVariants(media).find((v) => v.name === name && extensionOf[v.format] === ext)
  return variant ? { key: variant.key, format: variant.format } : undefined
}

export function formatOfKey(key: string | null): EncodedFormat | undefined {
  if (key?.endsWith('.jpg')) return 'jpeg'
  if (key?.endsWith('.png')) return 'png'
  if (key?.endsWith('.webp')) return 'webp'
  return undefined
}

export interface OpenedFile {
  body: Readable
  size: number
  contentType: string
  /** Strong ETag: the file's SHA-256, which is also its key. */
  etag: string
}

export async function openFile(store: MediaStore, ref: MediaFileRef): Promise<OpenedFile | undefined> {
  const opened = await store.stream(ref.key)
  if (!opened) return undefined
  const etag = `"${ref.key.slice(6, 70)}"`
  return { ...opened, contentType: contentTypeOf[ref.format], etag }
}
