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
import { s3BrowserEndpoint } from '../config/s3-endpoint.js'
import {
  assertContentMatchesKey,
  assertMediaKey,
  type ByteRange,
  type MediaStore,
  type SignedUrlOptions,
  type SignsUrls,
} from './media-store.js'
import { putObjectStream } from './s3-multipart-put.js'

/**
 * BACKLOT_S3_* settings: `endpoint` unset means AWS by region; credentials both or neither (neither uses the
 * SDK's default chain: environment, instance role…); `forcePathStyle` puts the bucket in the path
 * (MinIO, most self-hosted servers); `keyPrefix` is prepended to every object key; `publicEndpoint`
 * is where signed URLs send browsers, when not to `endpoint`.
 */
export type S3MediaStoreConfig = S3Config

/**
 * The MediaStore seam over an S3-compatible object store (`BACKLOT_MEDIA_STORE=s3`), so every node of a
 * cluster reads and writes the same files. Keys are content-addressed (media-store.ts), so objects
 * are immutable: `put` of an existing key writes the same bytes again, which S3 makes atomic (a
 * reader sees the old or the new object, both identical) and durable once acknowledged.
 */
export class S3MediaStore implements MediaStore, SignsUrls {
  readonly #client: S3Client
  /**
   * Signs URLs for browsers and never sends a request. Its endpoint is given explicitly (see
   * config/s3-endpoint.ts) because the host is part of the signature: a URL signed for the nodes' internal
   * endpoint would not verify at the public one, and the pages' img-src must name its origin.
   */
  readonly #signer: S3Client

  constructor(private readonly config: S3MediaStoreConfig) {
    const common = {
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.accessKeyId && config.secretAccessKey
        ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
        : {}),
    }
    this.#client = new S3Client({ ...common, ...(config.endpoint ? { endpoint: config.endpoint } : {}) })
    this.#signer = new S3Client({ ...common, endpoint: s3BrowserEndpoint(config) })
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await assertContentMatchesKey(key, bytes)
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.#objectKey(key),
        Body: bytes,
        ContentType: contentType,
        // What a direct read of the bucket may cache; Backlot's own answers set their own (media/redirect.ts).
        CacheControl: 'public, max-age=60',
      }),
    )
  }

  async putStream(key: string, body: Readable, contentType: string): Promise<void> {
    const object = {
      bucket: this.config.bucket,
      objectKey: this.#objectKey(assertMediaKey(key)),
      key,
      contentType,
      cacheControl: 'public, max-age=60',
    }
    await putObjectStream(this.#client, object, body)
  }

  async get(key: string): Promise<Buffer | null> {
    const object = await this.#getObject(key)
    if (!object) return null
    return Buffer.from(await object.body.transformToByteArray())
  }

  async stream(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null> {
    const object = await this.#getObject(key, range)
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
   * A presigned GET (SigV4, query-string auth) for the object, valid from `signedAt` for
   * `expiresInSeconds`; the `response-*` overrides are part of the signature, so nobody can change
   * the content type a URL is served with. Signing is local: no request is sent.
   */
  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: this.#objectKey(assertMediaKey(key)),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
      ...(options.contentDisposition ? { ResponseContentDisposition: options.contentDisposition } : {}),
      ...(options.cacheControl ? { ResponseCacheControl: options.cacheControl } : {}),
    })
    return getSignedUrl(this.#signer, command, {
      expiresIn: options.expiresInSeconds,
      ...(options.signedAt ? { signingDate: options.signedAt } : {}),
    })
  }

  close(): void {
    this.#client.destroy()
    this.#signer.destroy()
  }

  async #getObject(key: string, range?: ByteRange) {
    const objectKey = this.#objectKey(assertMediaKey(key))
    try {
      const out = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.config.bucket,
          Key: objectKey,
          ...(range && { Range: `bytes=${range.start}-${range.end}` }),
        }),
      )
      if (!out.Body) return null
      // A ranged answer's Content-Length is the range's; the whole size is after the slash of
      // Content-Range ("bytes 0-99/5000").
      const total = out.ContentRange ? Number(out.ContentRange.split('/')[1]) : Number.NaN
      return { body: out.Body, size: Number.isFinite(total) ? total : (out.ContentLength ?? 0) }
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
