import type { MediaConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { MediaRow } from '../db/schema.js'
import { DomainError, fail } from '../errors.js'
import type { Logger } from '../logger.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import { newId } from '../util/ids.js'
import { settleWithin } from '../util/settle-within.js'
import { createFairScheduler } from './fair-scheduler.js'
import { deleteUnreferenced, type StoredFiles, storeProcessed } from './files.js'
import { type ImageHeader, inspectImage, processImage } from './processing.js'
import { canUploadAnywhere, completeMedia, insertMedia } from './store.js'
import { createUploadSlots } from './upload-slots.js'

export interface UploadDeps {
  db: Db
  clock: Clock
  config: MediaConfig
  mediaStore: MediaStore
  logger: Logger
}

export interface UploadInput {
  bytes: Buffer
  alt: string
  credit: string | null
  rights: string | null
  spoiler: boolean
  spoilerLabel: string | null
}

export interface UploadResult {
  media: MediaRow
  /** False when processing outlasted the wait: the row is `processing` and finishes in the background. */
  isReady: boolean
}

/** Taking in uploads: admission, processing on a fair schedule, and the work that outlasts a request. */
export interface Uploads {
  /**
   * Admits, reads, checks and processes an image, waiting up to MEDIA_PROCESSING_WAIT_SECONDS for
   * it (see below).
   */
  upload(ownerId: string, read: () => Promise<UploadInput>): Promise<UploadResult>
  /** Waits for background processing to finish (shutdown, before the database closes). */
  close(): Promise<void>
}

/**
 * Uploads of one node. Processing runs at most `concurrency` at a time, the accounts waiting
 * taking turns (fair-scheduler.ts); uploads held in memory at once are bounded (upload-slots.ts).
 */
export function createUploads(deps: UploadDeps): Uploads {
  const { db, clock, config, mediaStore, logger } = deps
  const limits = { maxPixels: config.maxPixels }
  const processing = createFairScheduler(config.concurrency)
  const background = new Set<Promise<void>>()
  // Uploads held in memory at once (bodies being received + jobs queued or running) are bounded, so
  // a crowd of uploaders cannot make the server buffer MEDIA_MAX_BYTES each without limit; each
  // account may hold only its share of them.
  const slots = createUploadSlots({
    perAccount: config.uploadsPerAccount,
    total: Math.max(8, config.concurrency * 8),
  })

  /**
   * Checks, before any byte of the upload is read, that the account may upload (owner, admin or
   * creator somewhere), then takes one of the node's upload slots for it (upload-slots.ts: its own
   * share, and the node's total). Returns the slot's release. The upload rate (every attempt
   * counts) is the route's `uploads` bucket (src/http/rate-limit-hooks.ts).
   */
  async function admitUpload(accountId: string): Promise<() => void> {
    if (!(await canUploadAnywhere(db, accountId))) {
      fail('not-allowed', 'Only owners, admins and creators of a channel can upload media.')
    }
    return slots.acquire(accountId)
  }

  /**
   * Admits an upload (`admitUpload`) before reading it with `read` (the HTTP form reader), then
   * processes and stores the image. A refused or broken file throws its problem and leaves nothing
   * behind: no row, no file. What the header shows (type, pixel limit, truncation) is refused before
   * the upload waits for processing. Processing runs at most `concurrency` at a time, the accounts
   * waiting taking turns (fair-scheduler.ts); the caller waits up to `waitMs` for it, after which a
   * `processing` row is returned and the work completes in the background (the row becomes `ready`,
   * or `failed` with the problem code). The upload holds its slot until processing has finished.
   */
  async function upload(ownerId: string, read: () => Promise<UploadInput>): Promise<UploadResult> {
    const release = await admitUpload(ownerId)
    let job: Promise<StoredFiles>
    let input: UploadInput
    let header: ImageHeader
    try {
      input = await read()
      header = await inspectImage(input.bytes, limits)
      job = processing
        .run(ownerId, () => processImage(input.bytes, limits))
        .then((image) => storeProcessed(db, mediaStore, image))
    } catch (error) {
      release()
      throw error
    }
    job.then(release, release)
    job.catch(() => {}) // handled below; this only keeps an early rejection from counting as unhandled
    return finishUpload(ownerId, input, header, job)
  }

  async function finishUpload(
    ownerId: string,
    input: UploadInput,
    header: ImageHeader,
    job: Promise<StoredFiles>,
  ): Promise<UploadResult> {
    const createdAt = clock.now()
    const started = performance.now()
    const settled = config.waitMs > 0 ? await settleWithin(job, config.waitMs) : undefined
    const base = {
      id: newId(),
      owner_id: ownerId,
      mime: header.mime,
      alt: input.alt,
      credit: input.credit,
      rights: input.rights,
      spoiler: input.spoiler ? 1 : 0,
      spoiler_label: input.spoilerLabel,
      bytes: input.bytes.length,
      created_at: createdAt,
    }
    if (settled && !settled.ok) throw settled.error
    if (settled?.ok) {
      const stored = settled.value
      const row: MediaRow = {
        ...base,
        ...readyFields(stored, clock.now()),
        variants: JSON.stringify(stored.variants),
      }
      await insertOrCleanUp(row, stored)
      logger.info({ mediaId: row.id, ms: Math.round(performance.now() - started) }, 'media processed')
      return { media: row, isReady: true }
    }
    const row: MediaRow = {
      ...base,
      status: 'processing',
      error: null,
      width: header.width,
      height: header.height,
      blurhash: null,
      original_key: null,
      variants: '[]',
      ready_at: null,
    }
    await insertMedia(db, row)
    track(
      job.then(
        (stored) => finishInBackground(row.id, stored),
        (error) => failInBackground(row.id, error),
      ),
    )
    return { media: row, isReady: false }
  }

  async function insertOrCleanUp(row: MediaRow, stored: StoredFiles): Promise<void> {
    try {
      await insertMedia(db, row)
    } catch (error) {
      await deleteUnreferenced(db, mediaStore, [stored.originalKey, ...stored.variants.map((v) => v.key)])
      throw error
    }
  }

  async function finishInBackground(id: string, stored: StoredFiles): Promise<void> {
    if (await completeMedia(db, id, { ...readyFields(stored, clock.now()), variants: stored.variants }))
      return
    // The row was swept while processing ran: its files must not outlive it.
    await deleteUnreferenced(db, mediaStore, [stored.originalKey, ...stored.variants.map((v) => v.key)])
  }

  async function failInBackground(id: string, error: unknown): Promise<void> {
    const code = error instanceof DomainError ? error.reason : 'internal'
    if (code === 'internal') logger.error({ err: error, mediaId: id }, 'media processing failed')
    await db.updateTable('media').set({ status: 'failed', error: code }).where('id', '=', id).execute()
  }

  function track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => logger.error({ err: error }, 'media background work failed'))
      .finally(() => background.delete(tracked))
    background.add(tracked)
  }

  /** Waits for background processing to finish (shutdown, before the database closes). */
  async function close(): Promise<void> {
    while (background.size > 0) await Promise.allSettled([...background])
  }

  return { upload, close }
}

function readyFields(stored: StoredFiles, now: number) {
  return {
    status: 'ready' as const,
    error: null,
    width: stored.image.width,
    height: stored.image.height,
    blurhash: stored.image.blurhash,
    original_key: stored.originalKey,
    ready_at: now,
  }
}
