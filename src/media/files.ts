import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import type { Db } from '../db/database.js'
import type { MediaRow, MediaVariant } from '../db/schema.js'
import type { Logger } from '../logger.js'
import {
  contentKey,
  fileContentKey,
  type MediaExtension,
  type MediaStore,
} from '../media-store/media-store.js'
import { answerRange, type RangeAnswer } from './byte-range.js'
import type { EncodedFile, EncodedFormat, ProcessedImage } from './processing.js'
import { type DeletedMediaRow, isKeyReferenced, keysOf, parseCaptions, parseVariants } from './store.js'

/**
 * File names under /media/{id}/: `original.jpg`, `1080.webp`, `480p.mp4`, `voice.ogg`…, and a
 * video's caption tracks `captions-{lang}.vtt`.
 */
export const FILE_NAME_PATTERN =
  '^(?:(original|320|1080|2048|480p|1080p|voice)\\.(jpg|webp|png|mp4|m4a|ogg)|captions-([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3})\\.vtt)$'

/** What a stored file is: an image encoding, or a video or voice rendition (issue 20). */
export type MediaFormat = EncodedFormat | 'mp4' | 'm4a' | 'ogg' | 'vtt'

export const extensionOf: Record<MediaFormat, MediaExtension> = {
  jpeg: 'jpg',
  webp: 'webp',
  png: 'png',
  mp4: 'mp4',
  m4a: 'm4a',
  ogg: 'ogg',
  vtt: 'vtt',
}
export const contentTypeOf: Record<MediaFormat, string> = {
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  png: 'image/png',
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  vtt: 'text/vtt; charset=utf-8',
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
  const keys = await putFiles(db, store, [image.original, ...image.variants])
  const variants = image.variants.map((file, i) => toVariant(file, keys[i + 1]!))
  return { image, originalKey: keys[0]!, variants }
}

/**
 * A file to store and what it is: its bytes (an image, held in memory), or a file on disk (a
 * transcoded video or voice note), which is hashed and streamed into the store without ever
 * being read whole into memory (MediaStore.putStream).
 */
export type FileToStore = {
  name: string
  format: MediaVariant['format']
  width: number
  height: number
} & ({ bytes: Buffer; path?: undefined } | { path: string; size: number; bytes?: undefined })

/**
 * Puts files into the media store (content-addressed, so a file already there is kept) and returns
 * their keys in order. If any put fails, the files this call added and nobody else uses are
 * removed again before the error is rethrown.
 */
export async function putFiles(db: Db, store: MediaStore, files: readonly FileToStore[]): Promise<string[]> {
  const keys = await Promise.all(
    files.map((f) =>
      f.bytes ? contentKey(f.bytes, extensionOf[f.format]) : fileContentKey(f.path, extensionOf[f.format]),
    ),
  )
  const puts = await Promise.allSettled(
    files.map((file, i) =>
      file.bytes
        ? store.put(keys[i]!, file.bytes, contentTypeOf[file.format])
        : store.putStream(keys[i]!, createReadStream(file.path), contentTypeOf[file.format]),
    ),
  )
  const failed = puts.find((p) => p.status === 'rejected')
  if (failed) {
    await deleteUnreferenced(db, store, keys)
    throw failed.reason
  }
  return keys
}

export function toVariant(file: EncodedFile | FileToStore, key: string): MediaVariant {
  return {
    name: file.name,
    width: file.width,
    height: file.height,
    format: file.format,
    key,
    bytes: file.bytes ? file.bytes.length : file.size,
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
  format: MediaFormat
}

/** The stored file behind `/media/{id}/{fileName}`, looked up in the row (never derived from the path). */
export function findFile(media: MediaRow, fileName: string): MediaFileRef | undefined {
  const match = new RegExp(FILE_NAME_PATTERN).exec(fileName)
  if (!match || media.status !== 'ready') return undefined
  const [, name, ext, captionLang] = match
  if (captionLang !== undefined) {
    const caption = parseCaptions(media).find((c) => c.lang === captionLang)
    return caption ? { key: caption.key, format: 'vtt' } : undefined
  }
  if (name === 'original') {
    const key = media.original_key
    const format = formatOfKey(key)
    return key && format && extensionOf[format] === ext ? { key, format } : undefined
  }
  const variant = parseVariants(media).find((v) => v.name === name && extensionOf[v.format] === ext)
  return variant ? { key: variant.key, format: variant.format } : undefined
}

export function formatOfKey(key: string | null): MediaFormat | undefined {
  if (key?.endsWith('.jpg')) return 'jpeg'
  if (key?.endsWith('.png')) return 'png'
  if (key?.endsWith('.webp')) return 'webp'
  if (key?.endsWith('.mp4')) return 'mp4'
  if (key?.endsWith('.m4a')) return 'm4a'
  return undefined
}

export interface OpenedFile {
  /** The whole file, or only the range of `range` when it is partial. */
  body: Readable
  /** Size of the whole file. */
  size: number
  contentType: string
  /** Strong ETag: the file's SHA-256, which is also its key. */
  etag: string
  /** How the request's Range header is answered (byte-range.ts); `whole` without one. */
  range: RangeAnswer
}

/** The Range and If-Range headers of a request for a file. */
export interface RangeRequest {
  range?: string
  ifRange?: string
}

/**
 * Opens a stored file, or the byte range the request asks for. The size (and so whether the
 * range is satisfiable) is known only once the file is open, so a range is read by a second open
 * that starts at its first byte.
 */
export async function openFile(
  store: MediaStore,
  ref: MediaFileRef,
  request: RangeRequest = {},
): Promise<OpenedFile | undefined> {
  const opened = await store.stream(ref.key)
  if (!opened) return undefined
  const etag = `"${ref.key.slice(6, 70)}"`
  const range = answerRange(request.range, request.ifRange, opened.size, etag)
  const file = { ...opened, contentType: contentTypeOf[ref.format], etag, range }
  if (range.kind !== 'partial') return file
  opened.body.destroy()
  const part = await store.stream(ref.key, range.range)
  return part ? { ...file, body: part.body } : undefined
}
