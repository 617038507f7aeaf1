import type { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { S3Config } from '../config/config.js'
import { assertContentMatchesKey, assertMediaKey, type MediaStore } from './media-store.js'

/**
 * S3_* settings: `endpoint` unset means AWS by region; credentials both or neither (neither uses the
 * SDK's default chain: environment, instance role…); `forcePathStyle` puts the bucket in the path
 * (MinIO, most self-hosted servers); `keyPrefix` is prepended to every object key.
 */
export type S3MediaStoreConfig = S3Config

/**
 * The MediaStore seam over an S3-compatible object store (`MEDIA_STORE=s3`), so every node of a
 * cluster reads and writes the same files. Keys are content-addressed (media-store.ts), so objects
 * are immutable: `put` of an existing key writes the same bytes again, which S3 makes atomic (a
 * reader sees the old or the new object, both identical) and durable once acknowledged.
 */
export class S3MediaStore implements MediaStore {
  readonly #client: S3Client

  constructor(private readonly config: S3MediaStoreConfig) {
    this.#client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.accessKeyId && config.secretAccessKey
        ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
        : {}),
    })
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await assertContentMatchesKey(key, bytes)
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.#objectKey(key),
        Body: bytes,
        ContentType: contentType,
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    )
  }

  async get(key: string): Promise<Buffer | null> {
    const object = await this.#getObject(key)
    if (!object) return null
    return Buffer.from(await object.body.transformToByteArray())
  }

  async stream(key: string): Promise<{ body: Readable; size: number } | null> {
    const object = await this.#getObject(key)
    if (!object) return null
    return { body: object.body as unknown as Readable, size: object.size }
  }

  async exists(key: string): Promise<boolean> {
    const objectKey = this.#objectKey(assertMediaKey(key))
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: objectKey }))
      return true
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.#objectKey(assertMediaKey(key))
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: objectKey }))
  }

  /**
   * A time-limited URL that fetches the object straight from the store, for serving media by
   * redirect (S3_SERVE=redirect) instead of through the node. The node checks access before handing
   * one out; the URL itself is a bearer credential until it expires.
   */
  async signedUrl(key: string, options: { expiresInSeconds: number; contentType?: string }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: this.#objectKey(assertMediaKey(key)),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
    })
    return getSignedUrl(this.#client, command, { expiresIn: options.expiresInSeconds })
  }

  close(): void {
    this.#client.destroy()
  }

  async #getObject(key: string) {
    const objectKey = this.#objectKey(assertMediaKey(key))
    try {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: objectKey }),
      )
      if (!out.Body) return null
      return { body: out.Body, size: out.ContentLength ?? 0 }
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  #objectKey(key: string): string {
    return this.config.keyPrefix + key
  }
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404
}
