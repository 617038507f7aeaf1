import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contentKey, InvalidMediaKeyError, type MediaStore } from './media-store.js'

export interface MediaStoreFixture {
  store: MediaStore
  /** Removes whatever the store wrote (temp folder, bucket prefix). */
  cleanup(): Promise<void>
}

/** Keys that must be refused by every method of every implementation. */
export const hostileKeys = [
  '../../etc/passwd',
  '/etc/passwd',
  'ab/cd/../../../etc/passwd',
  '..\\..\\etc\\passwd',
  'ab/cd/%2e%2e%2fetc%2fpasswd.jpg',
  `ab/cd/${'a'.repeat(64)}.jpg\u0000.txt`,
  `AB/CD/${'AB'.repeat(32)}.jpg`,
  `00/00/${'ab'.repeat(32)}.jpg`,
  `ab/ab/${'ab'.repeat(32)}.exe`,
  `ab/ab/${'ab'.repeat(32)}.jpg/`,
  `./ab/ab/${'ab'.repeat(32)}.jpg`,
  '',
]

/**
 * The behaviour every MediaStore promises (see the interface's JSDoc). Run by
 * disk-media-store.test.ts now and by the S3 implementation's test later.
 */
export function testMediaStoreContract(name: string, make: () => Promise<MediaStoreFixture>): void {
  describe(`MediaStore contract: ${name}`, () => {
    let fixture: MediaStoreFixture
    let store: MediaStore
    beforeEach(async () => {
      fixture = await make()
      store = fixture.store
    })
    afterEach(async () => {
      await fixture.cleanup()
    })

    it('stores bytes under their content key and reads them back whole and as a stream', async () => {
      const bytes = Buffer.from('a processed image, pretend')
      const key = await contentKey(bytes, 'jpg')
      expect(key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}\.jpg$/)
      expect(await store.exists(key)).toBe(false)
      await store.put(key, bytes, 'image/jpeg')
      expect(await store.exists(key)).toBe(true)
      expect(await store.get(key)).toEqual(bytes)
      const streamed = await store.stream(key)
      expect(streamed?.size).toBe(bytes.length)
      const chunks: Buffer[] = []
      for await (const chunk of streamed!.body) chunks.push(chunk as Buffer)
      expect(Buffer.concat(chunks)).toEqual(bytes)
    })

    it('treats a repeated put of the same key as success, also when concurrent', async () => {
      const bytes = Buffer.alloc(256 * 1024, 7)
      const key = await contentKey(bytes, 'webp')
      await Promise.all([1, 2, 3, 4].map(() => store.put(key, bytes, 'image/webp')))
      await store.put(key, bytes, 'image/webp')
      expect(await store.get(key)).toEqual(bytes)
    })

    it('answers null / false for a missing key and deletes idempotently', async () => {
      const bytes = Buffer.from('to be deleted')
      const key = await contentKey(bytes, 'png')
      expect(await store.get(key)).toBeNull()
      expect(await store.stream(key)).toBeNull()
      await store.delete(key)
      await store.put(key, bytes, 'image/png')
      await store.delete(key)
      expect(await store.exists(key)).toBe(false)
      expect(await store.get(key)).toBeNull()
      await store.delete(key)
    })

    it('refuses bytes that do not match the key (keys are immutable)', async () => {
      const key = await contentKey(Buffer.from('original'), 'jpg')
      await expect(store.put(key, Buffer.from('something else'), 'image/jpeg')).rejects.toThrow(
        InvalidMediaKeyError,
      )
      expect(await store.exists(key)).toBe(false)
    })

    it('streams a file larger than one part into the store and reads it back byte for byte', async () => {
      // 17 MiB in 64 KiB chunks: three parts of a multipart upload on S3, one temporary file on disk.
      const bytes = randomBytes(17 * 1_048_576 + 123)
      const key = await contentKey(bytes, 'mp4')
      await store.putStream(key, chunked(bytes, 64 * 1024), 'video/mp4')
      expect(await store.exists(key)).toBe(true)
      const back = await store.get(key)
      expect(back?.length).toBe(bytes.length)
      expect(back?.equals(bytes)).toBe(true)
      // Again: already there, kept as it is.
      await store.putStream(key, chunked(bytes, 1_048_576), 'video/mp4')
      expect((await store.get(key))?.equals(bytes)).toBe(true)
    })

    it('streams a small file in one piece, and stores nothing when the stream does not match its key', async () => {
      const bytes = Buffer.from('a small voice note, pretend')
      const key = await contentKey(bytes, 'ogg')
      await store.putStream(key, chunked(bytes, 5), 'audio/ogg')
      expect(await store.get(key)).toEqual(bytes)
      const big = randomBytes(9 * 1_048_576)
      const wrongKey = await contentKey(Buffer.from('not these bytes'), 'mp4')
      await expect(store.putStream(wrongKey, chunked(big, 256 * 1024), 'video/mp4')).rejects.toThrow(
        InvalidMediaKeyError,
      )
      expect(await store.exists(wrongKey)).toBe(false)
      const smallWrongKey = await contentKey(Buffer.from('other small bytes'), 'ogg')
      await expect(store.putStream(smallWrongKey, chunked(bytes, 5), 'audio/ogg')).rejects.toThrow(
        InvalidMediaKeyError,
      )
      expect(await store.exists(smallWrongKey)).toBe(false)
    })

    it.each(hostileKeys)('refuses the key %j in every method', async (key) => {
      const bytes = Buffer.from('x')
      await expect(store.putStream(key, Readable.from([bytes]), 'image/jpeg')).rejects.toThrow(
        InvalidMediaKeyError,
      )
      await expect(store.put(key, bytes, 'image/jpeg')).rejects.toThrow(InvalidMediaKeyError)
      await expect(store.get(key)).rejects.toThrow(InvalidMediaKeyError)
      await expect(store.stream(key)).rejects.toThrow(InvalidMediaKeyError)
      await expect(store.exists(key)).rejects.toThrow(InvalidMediaKeyError)
      await expect(store.delete(key)).rejects.toThrow(InvalidMediaKeyError)
    })
  })
}

/** The bytes as a stream of `size`-byte chunks, as a file read from disk arrives. */
function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return Readable.from(chunks)
}
