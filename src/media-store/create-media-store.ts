import path from 'node:path'
import type { Config } from '../config/config.js'
import { DiskMediaStore } from './disk-media-store.js'
import type { MediaStore } from './media-store.js'

/**
 * Chooses where media files live: the data folder (default), or an S3-compatible store
 * (BACKLOT_MEDIA_STORE=s3). The AWS SDK is loaded only when S3 is configured: it is large, and a node on
 * disk storage should not pay for it at start-up.
 */
export async function createMediaStore(config: Config): Promise<MediaStore & { close?(): void }> {
  if (config.mediaStore.kind === 's3') {
    const { S3MediaStore } = await import('./s3-media-store.js')
    return new S3MediaStore(config.mediaStore.s3)
  }
  return new DiskMediaStore(path.join(config.dataDir, 'media'))
}
