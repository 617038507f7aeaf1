import type { MediaConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { MediaRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { Logger } from '../logger.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import type { MediaVisibilityRule } from './access.js'
import { type CaptionUpload, removeCaption, setCaption } from './captions/captions.js'
import { type OpenedFile, openFile, type RangeRequest } from './files.js'
import { nextImageSpoiler } from './image-spoiler.js'
import { locateFile } from './locate.js'
import { configureSharp } from './processing.js'
import { createMediaRedirects, type MediaRedirect } from './redirect.js'
import { findMedia, updateUnattachedMedia } from './store.js'
import { type SweepResult, sweepUnattachedMedia } from './sweeper.js'
import { createUploads, type UploadInput, type UploadResult } from './uploads.js'

export interface MediaServiceDeps {
  db: Db
  clock: Clock
  config: MediaConfig
  mediaStore: MediaStore
  logger: Logger
  /** Who may see a media item: decided above media, where its post or channel is known (access.ts). */
  mediaVisibility: MediaVisibilityRule
}

export interface MediaPatch {
  alt?: string
  credit?: string | null
  rights?: string | null
  spoiler?: boolean
  /** Marks the image a spoiler; `spoiler: false` drops it (image-spoiler.ts). */
  spoilerLabel?: string | null
}

/**
 * Uploads and the media rows and files they make (uploads.ts takes them in), who may see them
 * (`mediaVisibility`, decided above media), and the sweep of uploads no post or avatar claimed.
 */
export interface MediaService {
  /**
   * Admits (`not-allowed` unless staff somewhere; the account's upload slots), reads, checks and
   * processes an image; a refused file leaves no row and no file.
   */
  upload(ownerId: string, read: () => Promise<UploadInput>): Promise<UploadResult>
  /** How far a video or voice note processing on this node has come (0–1); null when unknown here. */
  progressOf(id: string): number | null
  /** The media item if the viewer may see it; otherwise `media-not-found`, exactly like a missing id. */
  get(viewerId: string | null, id: string): Promise<MediaRow>
  /**
   * Edits alt text, credit, rights or spoiler flag and label of the owner's own media (`media-not-found`) while in no post
   * and no avatar (`media-attached`).
   */
  update(ownerId: string, id: string, patch: MediaPatch): Promise<MediaRow>
  /**
   * Adds or replaces a caption track (WebVTT) of the owner's own ready, unattached video
   * (`media-not-found`, `captions-video-only`, `media-not-ready`, `media-attached`,
   * `caption-invalid`, `caption-too-large`, `captions-full`).
   */
  setCaption(ownerId: string, id: string, upload: CaptionUpload): Promise<MediaRow>
  /** Removes a caption track of the owner's own unattached video (`caption-not-found`). */
  removeCaption(ownerId: string, id: string, lang: string): Promise<MediaRow>
  /**
   * Opens `/media/{id}/{fileName}` for a viewer, the file named by the row and never by the path;
   * else `media-not-found`.
   */
  open(
    viewerId: string | null,
    id: string,
    fileName: string,
    range?: RangeRequest,
  ): Promise<OpenedFile & { isPublic: boolean }>
  /**
   * `/media/{id}/{fileName}` as S3_MEDIA_DELIVERY says: the opened file, or a redirect to a signed
   * store URL, after the same check.
   */
  serve(viewerId: string | null, id: string, fileName: string, range?: RangeRequest): Promise<ServedFile>
  /**
   * Deletes uploads left unclaimed past MEDIA_UNATTACHED_TTL_HOURS, rows and files (sweeper.ts);
   * periodic.
   */
  sweepUnattached(): Promise<SweepResult>
  /** Waits for background processing to finish (shutdown, before the database closes). */
  close(): Promise<void>
}

export function createMediaService(deps: MediaServiceDeps): MediaService {
  const { db, clock, config, mediaStore, mediaVisibility } = deps
  const logger = deps.logger.child({ area: 'media' })
  const uploads = createUploads({ db, clock, config, mediaStore, logger })
  configureSharp(config.concurrency)
  const redirectTo =
    config.delivery.mode === 'redirect'
      ? createMediaRedirects({ store: mediaStore, clock, signedUrlSeconds: config.delivery.signedUrlSeconds })
      : null

  async function get(viewerId: string | null, id: string): Promise<MediaRow> {
    const row = await findMedia(db, id)
    if (!row || (row.status !== 'ready' && row.owner_id !== viewerId)) notFound(id)
    if ((await mediaVisibility(db, row, viewerId)) === 'hidden') notFound(id)
    return row
  }

  async function update(ownerId: string, id: string, patch: MediaPatch): Promise<MediaRow> {
    const row = await findMedia(db, id)
    if (!row || row.owner_id !== ownerId) notFound(id)
    const spoiler = nextImageSpoiler(
      { spoiler: row.spoiler === 1, label: row.spoiler_label },
      { spoiler: patch.spoiler, label: optionalText(patch.spoilerLabel) },
    )
    const values = {
      ...(patch.alt !== undefined && { alt: patch.alt }),
      ...(patch.credit !== undefined && { credit: patch.credit }),
      ...(patch.rights !== undefined && { rights: optionalText(patch.rights) }),
      ...((patch.spoiler !== undefined || patch.spoilerLabel !== undefined) && {
        spoiler: spoiler.spoiler ? 1 : 0,
        spoiler_label: spoiler.label,
      }),
    }
    if (Object.keys(values).length > 0 && !(await updateUnattachedMedia(db, id, values))) {
      fail(
        'media-attached',
        'This media is part of a post or a channel avatar; change an album image by editing its post.',
      )
    }
    return (await findMedia(db, id)) ?? notFound(id)
  }

  /**
   * Opens `/media/{id}/{fileName}` for a viewer. The file comes from the row's keys, never from the
   * path; anything the viewer may not see is `media-not-found`, exactly like a missing id.
   */
  async function open(
    viewerId: string | null,
    id: string,
    fileName: string,
    range?: RangeRequest,
  ): Promise<OpenedFile & { isPublic: boolean }> {
    const located = await locateFile(deps, viewerId, id, fileName)
    const file = await openFile(mediaStore, located, range)
    if (!file) {
      logger.error({ mediaId: id, key: located.key }, 'media file missing from the store')
      notFound(id)
    }
    return { ...file, isPublic: located.isPublic }
  }

  /**
   * `/media/{id}/{fileName}` as S3_MEDIA_DELIVERY says: the opened file (proxy), or a redirect to
   * a signed store URL, after the same `locateFile` check. A redirect costs no request to the
   * store; a file missing there shows up as the store's 404.
   */
  async function serve(
    viewerId: string | null,
    id: string,
    fileName: string,
    range?: RangeRequest,
  ): Promise<ServedFile> {
    // A signed store URL serves ranges itself (S3 GetObject honours Range and If-Range).
    if (!redirectTo) return { kind: 'file', file: await open(viewerId, id, fileName, range) }
    return { kind: 'redirect', redirect: await redirectTo(await locateFile(deps, viewerId, id, fileName)) }
  }

  function sweepUnattached(): Promise<SweepResult> {
    return sweepUnattachedMedia({ db, clock, mediaStore, logger, unattachedTtlMs: config.unattachedTtlMs })
  }

  return {
    upload: uploads.upload,
    progressOf: uploads.progressOf,
    get,
    update,
    setCaption: (ownerId, id, upload) => setCaption({ db, mediaStore }, ownerId, id, upload),
    removeCaption: (ownerId, id, lang) => removeCaption({ db, mediaStore }, ownerId, id, lang),
    open,
    serve,
    sweepUnattached,
    close: uploads.close,
  }
}

export type ServedFile =
  | { kind: 'file'; file: OpenedFile & { isPublic: boolean } }
  | { kind: 'redirect'; redirect: MediaRedirect }

function notFound(id: string): never {
  fail('media-not-found', `No media ${id}.`)
}

/** A free-text field of a media edit: trimmed, empty is none (null), left out stays left out. */
function optionalText(value: string | null | undefined): string | null | undefined {
  return value === undefined ? undefined : value?.trim() || null
}
