/**
 * The MediaStore seam (DESIGN "MediaStore: files | S3"): where processed image files live.
 *
 * Keys are content-addressed and therefore immutable: `ab/cd/<sha256>.<ext>`, where `<sha256>` is
 * the lower-case hex SHA-256 of the file's bytes and `ab`, `cd` are its first four hex digits. A key
 * never names different bytes over time, so files can be cached forever and written without locks;
 * two media items whose processing produced identical bytes share one file.
 *
 * Every implementation (disk now, S3 later) passes `testMediaStoreContract` in
 * `media-store.contract.ts`.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'

export interface MediaStore {
  /**
   * Stores `bytes` under `key`. Idempotent: putting a key that already exists succeeds and leaves
   * the file as it is. Durable once the promise resolves (the file survives a crash), and atomic:
   * readers see the whole file or none of it. Refuses an invalid key, and bytes whose SHA-256 is not
   * the key's hash, with `InvalidMediaKeyError`.
   */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>
  /**
   * Stores what `body` yields under `key`, as `put` does (idempotent, durable, atomic), without
   * holding the file in memory: a transcoded video goes from its work file to the store in chunks
   * (disk: a temporary file renamed into place; S3: a multipart upload, one part in memory at a
   * time). The SHA-256 is computed as the bytes pass: a mismatch with the key throws
   * `InvalidMediaKeyError` and leaves nothing stored. The stream is consumed, or destroyed when
   * the file is already there.
   */
  putStream(key: string, body: Readable, contentType: string): Promise<void>
  /** The whole file, or null when there is none. */
  get(key: string): Promise<Buffer | null>
  /** A stream of the file and its size in bytes, or null when there is none. */
  /**
   * With `range`, the body holds only bytes `start`..`end` (inclusive, within the file: the caller
   * checks it against the size, e.g. from a first open) while `size` stays the whole file's.
   */
  stream(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null>
  exists(key: string): Promise<boolean>
  /** Removes the file; a missing file is not an error. */
  delete(key: string): Promise<void>
}

/** A byte range of a file, both ends inclusive (HTTP Range, RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number
  end: number
}

/**
 * What a store that can hand out direct URLs also offers (S3; not the disk store): a time-limited
 * URL that fetches one file straight from the store, for serving media by redirect
 * (BACKLOT_S3_MEDIA_DELIVERY=redirect). The URL is a bearer credential until it expires, so callers check
 * access before asking for one.
 */
export interface SignsUrls {
  signedUrl(key: string, options: SignedUrlOptions): Promise<string>
}

export interface SignedUrlOptions {
  expiresInSeconds: number
  /** When the signature starts (default: now); the URL works until this plus `expiresInSeconds`. */
  signedAt?: Date
  /** Headers the store sends with the file, overriding what it stored. */
  contentType?: string
  contentDisposition?: string
  cacheControl?: string
}

export function canSignUrls(store: MediaStore): store is MediaStore & SignsUrls {
  return typeof (store as Partial<SignsUrls>).signedUrl === 'function'
}

export class InvalidMediaKeyError extends Error {
  override name = 'InvalidMediaKeyError'
}

export const mediaExtensions = ['jpg', 'png', 'webp', 'avif', 'mp4', 'm4a', 'ogg', 'vtt'] as const
export type MediaExtension = (typeof mediaExtensions)[number]

const KEY_PATTERN = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})\.(jpg|png|webp|avif|mp4|m4a|ogg|vtt)$/

/** The key a file with this SHA-256 (hex) and extension is stored under. */
export function mediaKey(sha256Hex: string, ext: MediaExtension): string {
  return assertMediaKey(`${sha256Hex.slice(0, 2)}/${sha256Hex.slice(2, 4)}/${sha256Hex}.${ext}`)
}

/** SHA-256 of the bytes, lower-case hex. Runs off the event loop (WebCrypto). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return Buffer.from(digest).toString('hex')
}

/** SHA-256 (hex) of a stream's bytes, read chunk by chunk (a file of any size in constant memory). */
export async function sha256HexOfStream(body: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of body) hash.update(chunk)
  return hash.digest('hex')
}

/** The key for the bytes of a file on disk, hashed as it is read. */
export async function fileContentKey(file: string, ext: MediaExtension): Promise<string> {
  return mediaKey(await sha256HexOfStream(createReadStream(file)), ext)
}

/** Throws unless `hash` (hex) is the SHA-256 the key names: for stream puts, checked at the end. */
export function assertHashMatchesKey(key: string, hash: string): void {
  if (key.slice(6, 70) !== hash) {
    throw new InvalidMediaKeyError(`bytes do not match the key's SHA-256 (${key})`)
  }
}

/** The key for these bytes: hashes them. */
export async function contentKey(bytes: Uint8Array, ext: MediaExtension): Promise<string> {
  return mediaKey(await sha256Hex(bytes), ext)
}

/**
 * Returns the key if it matches the strict pattern, else throws. The pattern allows only hex
 * digits, two fixed-length folder levels and a known extension, so no key can contain `..`, a
 * leading `/`, a backslash, a NUL or an encoded separator: a key can never leave the store's root.
 */
export function assertMediaKey(key: string): string {
  const match = KEY_PATTERN.exec(key)
  if (!match || !match[3]!.startsWith(match[1]! + match[2]!)) {
    throw new InvalidMediaKeyError(`invalid media key ${JSON.stringify(key.slice(0, 100))}`)
  }
  return key
}

export function isMediaKey(key: string): boolean {
  return KEY_PATTERN.test(key) && key.slice(6, 10) === key.slice(0, 2) + key.slice(3, 5)
}

/** Checks that `bytes` hash to the key's SHA-256 (the content-addressing guarantee of `put`). */
export async function assertContentMatchesKey(key: string, bytes: Uint8Array): Promise<void> {
  assertMediaKey(key)
  const hash = await sha256Hex(bytes)
  if (key.slice(6, 70) !== hash) {
    throw new InvalidMediaKeyError(`bytes do not match the key's SHA-256 (${key})`)
  }
}
