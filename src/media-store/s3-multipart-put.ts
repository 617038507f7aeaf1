import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { assertHashMatchesKey } from './media-store.js'

/**
 * Part size of a streamed put: S3's minimum for every part but the last is 5 MiB; 8 MiB keeps a
 * 200 MiB video at 25 parts while only one part is ever held in memory.
 */
export const PART_BYTES = 8 * 1_048_576

export interface StreamedObject {
  bucket: string
  objectKey: string
  /** The media key, whose SHA-256 the bytes must have. */
  key: string
  contentType: string
  cacheControl: string
}

/**
 * Writes a stream to S3 in parts (@aws-sdk/lib-storage would do this, but it is not installed and
 * this is the only place that needs it): a body smaller than one part is a single PutObject;
 * otherwise a multipart upload, completed only once the SHA-256 of everything sent matches the
 * key, and aborted on any error or mismatch, so the object appears whole or not at all.
 */
export async function putObjectStream(
  client: S3Client,
  object: StreamedObject,
  body: Readable,
): Promise<void> {
  const hash = createHash('sha256')
  const parts = chunksOf(body, PART_BYTES)
  const first = await parts.next()
  const firstPart = first.done ? Buffer.alloc(0) : first.value
  hash.update(firstPart)
  const second = first.done ? first : await parts.next()
  if (second.done) {
    assertHashMatchesKey(object.key, hash.digest('hex'))
    await client.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: object.objectKey,
        Body: firstPart,
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
      }),
    )
    return
  }
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: object.bucket,
      Key: object.objectKey,
      ContentType: object.contentType,
      CacheControl: object.cacheControl,
    }),
  )
  const uploadId = created.UploadId!
  const target = { Bucket: object.bucket, Key: object.objectKey, UploadId: uploadId }
  try {
    const completed: CompletedPart[] = []
    const send = async (bytes: Buffer) => {
      const PartNumber = completed.length + 1
      const out = await client.send(new UploadPartCommand({ ...target, PartNumber, Body: bytes }))
      completed.push({ PartNumber, ETag: out.ETag })
    }
    await send(firstPart)
    hash.update(second.value)
    await send(second.value)
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      hash.update(next.value)
      await send(next.value)
    }
    assertHashMatchesKey(object.key, hash.digest('hex'))
    await client.send(
      new CompleteMultipartUploadCommand({ ...target, MultipartUpload: { Parts: completed } }),
    )
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand(target)).catch(() => {})
    throw error
  }
}

/** The stream re-cut into buffers of exactly `size` bytes (the last may be shorter). */
async function* chunksOf(body: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    pending.push(chunk)
    pendingBytes += chunk.length
    while (pendingBytes >= size) {
      const all = Buffer.concat(pending, pendingBytes)
      yield all.subarray(0, size)
      pending = [all.subarray(size)]
      pendingBytes -= size
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes)
}
