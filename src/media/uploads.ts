import fs from 'node:fs/promises'
import type { MediaConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { MediaRow, MediaVariant } from '../db/schema.js'
import { DomainError, fail } from '../errors.js'
import type { Logger } from '../logger.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import { newId } from '../util/ids.js'
import { settleWithin } from '../util/settle-within.js'
import { createFairScheduler } from './fair-scheduler.js'
import {
  deleteUnreferenced,
  type FileToStore,
  putFiles,
  type StoredFiles,
  storeProcessed,
  toVariant,
} from './files.js'
import { inspectImage, processImage } from './processing.js'
import { canUploadAnywhere, completeMedia, insertMedia, renewLeases, writeProgress } from './store.js'
import { createUploadSlots } from './upload-slots.js'
import type { AvContainer } from './video/detect.js'
import { inspectAv, mimeOfAv, type ProcessedAv, processAv } from './video/process.js'
import { sweepAbandonedWork } from './work-sweep.js'

export interface UploadDeps {
  db: Db
  clock: Clock
  config: MediaConfig
  mediaStore: MediaStore
  logger: Logger
}

/** An upload: an image in memory, or a video or voice file written to a temporary file (issue 20). */
export type UploadInput = UploadFields &
  ({ bytes: Buffer; av?: undefined } | { av: AvUpload; bytes?: undefined })

export interface AvUpload {
  container: AvContainer
  /** A temporary file the upload owns from now on: removed once processing has finished or failed. */
  path: string
  size: number
}

export interface UploadFields {
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
  /**
   * How far a video still processing on this node has come (0–1); null when unknown here (the
   * row's `progress_permille` then tells what the node doing it last wrote).
   */
  progressOf(id: string): number | null
  /** Waits for background processing to finish (shutdown, before the database closes). */
  close(): Promise<void>
}

/** What the header or the probe showed, before processing: enough for a `processing` row. */
interface UploadHeader {
  mime: string
  width: number
  height: number
}

/** A processed upload whose files are in the store. */
interface ReadyMedia {
  width: number
  height: number
  blurhash: string | null
  originalKey: string | null
  variants: MediaVariant[]
  durationMs: number | null
  waveform: number[] | null
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
  // Progress of the videos this node is transcoding, by media id (the studio shows it). It is also
  // written to the row (at most once a second per video), so every node can answer for it.
  const progress = new Map<string, number>()
  const progressWrittenAt = new Map<string, number>()
  // `processing` rows this process is finishing in the background: their lease (heartbeat_at) is
  // renewed every quarter lease, so a row whose lease runs out was left by a dead process
  // (failAbandonedProcessing, run by the work sweep).
  const owned = new Set<string>()
  // Temporary upload files this process holds (waiting for or in processing): touched with each
  // renewal, so the work sweep (work-sweep.ts) never takes a live process's file for a dead one's.
  const heldFiles = new Set<string>()
  const leaseTimer = setInterval(() => {
    if (owned.size > 0) track(renewLeases(db, [...owned], clock.now()))
    if (heldFiles.size > 0) track(touchFiles([...heldFiles]))
  }, config.workLeaseMs / 4)
  leaseTimer.unref()
  // What a crashed process left (rows stuck `processing`, temporary files) is cleared at start-up
  // and then every half lease, by every process: tmp/ is this machine's, not the cluster's.
  const sweepWork = () =>
    track(
      sweepAbandonedWork({
        db,
        clock,
        logger,
        workDir: config.video.workDir,
        leaseMs: config.workLeaseMs,
      }).then(() => {}),
    )
  sweepWork()
  const sweepTimer = setInterval(sweepWork, config.workLeaseMs / 2)
  sweepTimer.unref()
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
    const id = newId()
    let started: { header: UploadHeader; job: Promise<ReadyMedia> }
    let input: UploadInput | undefined
    try {
      input = await read()
      if (input.av) heldFiles.add(input.av.path)
      started = input.av ? await startAv(ownerId, id, input.av) : await startImage(ownerId, input.bytes)
    } catch (error) {
      release()
      if (input?.av) {
        heldFiles.delete(input.av.path)
        await removeFile(input.av.path)
      }
      throw error
    }
    const { header, job } = started
    job.then(release, release)
    job.catch(() => {}) // handled below; this only keeps an early rejection from counting as unhandled
    return finishUpload(id, ownerId, input, header, job)
  }

  async function startImage(ownerId: string, bytes: Buffer) {
    const header = await inspectImage(bytes, limits)
    const job = processing
      .run(ownerId, () => processImage(bytes, limits))
      .then((image) => storeProcessed(db, mediaStore, image))
      .then(imageReady)
    return { header, job }
  }

  /**
   * A video or voice note: probed before it waits for its turn (the limits refuse a hostile file
   * at once), then transcoded on the same fair schedule as images, so one account's clips cannot
   * wedge everyone's uploads. The temporary upload file goes when processing has finished.
   */
  async function startAv(ownerId: string, id: string, av: AvUpload) {
    const probe = await inspectAv(av.path, av.container, config.video)
    const header = { mime: mimeOfAv(probe), width: probe.width, height: probe.height }
    const job = processing
      .run(ownerId, () => {
        progress.set(id, 0)
        const store = (files: FileToStore[]) => putFiles(db, mediaStore, files)
        return processAv(av.path, probe, config.video, store, (fraction) => reportProgress(id, fraction))
      })
      .then((processed) => readyAv(processed))
      .finally(() => {
        progress.delete(id)
        progressWrittenAt.delete(id)
        heldFiles.delete(av.path)
        return removeFile(av.path)
      })
    return { header, job }
  }

  /** Keeps the fraction for this node's answers, and writes it to the row at most once a second. */
  function reportProgress(id: string, fraction: number): void {
    progress.set(id, fraction)
    const now = performance.now()
    if (now - (progressWrittenAt.get(id) ?? Number.NEGATIVE_INFINITY) < PROGRESS_WRITE_MS) return
    progressWrittenAt.set(id, now)
    track(writeProgress(db, id, Math.round(fraction * 1000), clock.now()))
  }

  function readyAv(processed: ProcessedAv<string[]>): ReadyMedia {
    const keys = processed.stored
    const originalAt = processed.files.findIndex((f) => f.name === 'original')
    return {
      width: processed.width,
      height: processed.height,
      blurhash: processed.blurhash,
      originalKey: originalAt === -1 ? null : keys[originalAt]!,
      variants: processed.files.flatMap((f, i) => (i === originalAt ? [] : [toVariant(f, keys[i]!)])),
      durationMs: processed.durationMs,
      waveform: processed.waveform,
    }
  }

  async function finishUpload(
    id: string,
    ownerId: string,
    input: UploadInput,
    header: UploadHeader,
    job: Promise<ReadyMedia>,
  ): Promise<UploadResult> {
    const createdAt = clock.now()
    const started = performance.now()
    const settled = config.waitMs > 0 ? await settleWithin(job, config.waitMs) : undefined
    const base = {
      id,
      owner_id: ownerId,
      mime: header.mime,
      alt: input.alt,
      credit: input.credit,
      rights: input.rights,
      spoiler: input.spoiler ? 1 : 0,
      spoiler_label: input.spoilerLabel,
      bytes: input.av ? input.av.size : input.bytes.length,
      created_at: createdAt,
      captions: '[]',
      progress_permille: null,
    }
    if (settled && !settled.ok) throw settled.error
    if (settled?.ok) {
      const stored = settled.value
      const row: MediaRow = {
        ...base,
        ...readyFields(stored, clock.now()),
        variants: JSON.stringify(stored.variants),
        waveform: stored.waveform && JSON.stringify(stored.waveform),
        heartbeat_at: null,
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
      duration_ms: null,
      waveform: null,
      heartbeat_at: createdAt,
    }
    await insertMedia(db, row)
    owned.add(row.id)
    track(
      job
        .then(
          (stored) => finishInBackground(row.id, stored),
          (error) => failInBackground(row.id, error),
        )
        .finally(() => owned.delete(row.id)),
    )
    return { media: row, isReady: false }
  }

  async function insertOrCleanUp(row: MediaRow, stored: ReadyMedia): Promise<void> {
    try {
      await insertMedia(db, row)
    } catch (error) {
      await deleteUnreferenced(db, mediaStore, keysOfReady(stored))
      throw error
    }
  }

  async function finishInBackground(id: string, stored: ReadyMedia): Promise<void> {
    const values = {
      ...readyFields(stored, clock.now()),
      variants: stored.variants,
      waveform: stored.waveform,
    }
    if (await completeMedia(db, id, values)) return
    // The row was swept while processing ran: its files must not outlive it.
    await deleteUnreferenced(db, mediaStore, keysOfReady(stored))
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
    clearInterval(sweepTimer)
    while (background.size > 0) await Promise.allSettled([...background])
    clearInterval(leaseTimer)
  }

  return { upload, close, progressOf: (id) => progress.get(id) ?? null }
}

/** Progress is written to the row at most this often per video. */
const PROGRESS_WRITE_MS = 1000

function imageReady(stored: StoredFiles): ReadyMedia {
  const { width, height, blurhash } = stored.image
  return {
    width,
    height,
    blurhash,
    originalKey: stored.originalKey,
    variants: stored.variants,
    durationMs: null,
    waveform: null,
  }
}

function keysOfReady(stored: ReadyMedia): string[] {
  const keys = stored.variants.map((v) => v.key)
  return stored.originalKey ? [stored.originalKey, ...keys] : keys
}

function readyFields(stored: ReadyMedia, now: number) {
  return {
    status: 'ready' as const,
    error: null,
    width: stored.width,
    height: stored.height,
    blurhash: stored.blurhash,
    original_key: stored.originalKey,
    ready_at: now,
    duration_ms: stored.durationMs,
  }
}

async function touchFiles(files: readonly string[]): Promise<void> {
  const now = new Date()
  await Promise.all(files.map((f) => fs.utimes(f, now, now).catch(() => {})))
}

async function removeFile(file: string): Promise<void> {
  await fs.rm(file, { force: true }).catch(() => {})
}
