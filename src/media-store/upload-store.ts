/**
 * Where the bytes of resumable (tus) uploads wait until the last one arrives (issue 20 part 1):
 * the tus project's own data stores behind Backlot's media-store configuration. On disk
 * (`@tus/file-store`, BACKLOT_DATA_DIR/resumable) for one node; in the media bucket
 * (`@tus/s3-store`, a multipart upload per file, under `<BACKLOT_S3_KEY_PREFIX>resumable/`) with
 * BACKLOT_MEDIA_STORE=s3, so a resume may land on any node of a cluster. Both expire unfinished
 * uploads after the configured time (`deleteExpired`).
 */
import { createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { DataStore } from '@tus/utils'
import type { Config } from '../config/config.js'

export interface UploadStore {
  /** The tus data store the tus server writes to. */
  dataStore: DataStore
  /** The data store's id of upload `uploadId` (the server-generated id in its URL). */
  storeId(uploadId: string): string
  /** The upload id back from a data store id. */
  uploadIdOf(storeId: string): string
  /**
   * Moves a completed upload's bytes out of the data store into the local file `dest` (a rename
   * on disk; a streamed download from S3, never held in memory) and forgets it there.
   */
  take(uploadId: string, dest: string): Promise<void>
  /** Deletes an upload's bytes; one already gone is not an error. */
  remove(uploadId: string): Promise<void>
  close(): void
}

export async function createUploadStore(config: Config): Promise<UploadStore> {
  const expirationPeriodInMilliseconds = config.media.resumable.expiryMs
  if (config.mediaStore.kind === 's3') {
    const [{ S3Store }, { DeleteObjectCommand, S3Client }] = await Promise.all([
      import('@tus/s3-store'),
      import('@aws-sdk/client-s3'),
    ])
    const s3 = config.mediaStore.s3
    const clientConfig = {
      region: s3.region,
      forcePathStyle: s3.forcePathStyle,
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      ...(s3.accessKeyId && s3.secretAccessKey
        ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
        : {}),
      // tus streams chunks of unknown length; the SDK's default would wrap them in `aws-chunked`
      // encoding with a trailing CRC32, which several S3-compatible servers store as part of the
      // object instead of decoding. Parts keep their Content-MD5/ETag integrity checks.
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    }
    const dataStore = new S3Store({
      expirationPeriodInMilliseconds,
      s3ClientConfig: { bucket: s3.bucket, ...clientConfig },
    })
    // @tus/s3-store's remove() aborts the multipart upload, but stops there when it is already
    // completed (S3 answers NoSuchUpload), and leaves the `.part` object (a tail shorter than an S3
    // part) to a bucket lifecycle rule. Backlot deletes the three objects itself: no bucket setup.
    const client = new S3Client(clientConfig)
    const prefix = `${s3.keyPrefix}resumable/`
    const storeId = (uploadId: string) => prefix + uploadId
    const remove = async (uploadId: string) => {
      const id = storeId(uploadId)
      await dataStore.remove(id).catch(() => {})
      for (const Key of [id, `${id}.info`, `${id}.part`]) {
        await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key })).catch(() => {})
      }
    }
    return {
      dataStore,
      storeId,
      uploadIdOf: (id) => id.slice(prefix.length),
      async take(uploadId, dest) {
        const body = (await dataStore.read(storeId(uploadId))) as Readable
        await pipeline(body, createWriteStream(dest, { flags: 'wx', mode: 0o600 }))
        await remove(uploadId)
      },
      remove,
      close: () => client.destroy(),
    }
  }
  const { FileStore } = await import('@tus/file-store')
  const directory = config.media.resumable.dir
  const dataStore = new FileStore({ directory, expirationPeriodInMilliseconds })
  return {
    dataStore,
    storeId: (uploadId) => uploadId,
    uploadIdOf: (id) => id,
    async take(uploadId, dest) {
      const file = path.join(directory, uploadId)
      try {
        await fs.rename(file, dest)
      } catch (error) {
        // BACKLOT_DATA_DIR/tmp on another file system than the data folder: copy, then delete.
        if ((error as { code?: string }).code !== 'EXDEV') throw error
        await fs.copyFile(file, dest)
        await fs.rm(file, { force: true })
      }
      await dataStore.configstore.delete(uploadId)
    },
    remove: (uploadId) => dataStore.remove(uploadId).catch(() => {}),
    close: () => {},
  }
}
