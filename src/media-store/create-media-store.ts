import path from 'node:path'
import type { Config } from '../config/config.js'
import { DiskMediaStore } from './disk-media-store.js'
import type { MediaStore } from './media-store.js'
import { S3MediaStore } from './s3-media-store.js'

/** Chooses where media files live: the data folder (default), or an S3-compatible store (MEDIA_STORE=s3). */
export function createMediaStore(config: Config): MediaStore & { close?(): void } {
  if (config.mediaStore.kind === 's3') return new S3MediaStore(config.mediaStore.s3)
  return new DiskMediaStore(path.join(config.dataDir, 'media'))
}
