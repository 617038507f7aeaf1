import { randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { MediaConfig } from '../../config/config.js'
import type { Db } from '../../db/database.js'
import type { ResumableUploadRow } from '../../db/schema.js'
import { DomainError, fail } from '../../errors.js'
import type { Logger } from '../../logger.js'
import type { UploadStore } from '../../media-store/upload-store.js'
import type { Clock } from '../../util/clock.js'
import type { UploadFields, UploadInput, UploadResult } from '../uploads.js'
import { detectAvContainer } from '../video/detect.js'
import {
  countReceiving,
  deleteResumableUpload,
  findResumableUpload,
  insertResumableUpload,
  listExpired,
  listOfAccount,
  moveStatus,
} from './store.js'

/**
 * Decided above media (channels): the id of the channel `slug` if `accountId` may post there
 * (owner, admin, creator; not archived); otherwise it throws the channel's refusal.
 */
export type UploadChannelCheck = (accountId: string, slug: string) => Promise<string>

export interface ResumableUploadDeps {
  db: Db
  clock: Clock
  config: MediaConfig
  uploadStore: UploadStore
  logger: Logger
  channelForUpload: UploadChannelCheck
  /** The media pipeline's way in (MediaService.upload): admission, probe, processing, storing. */
  upload(ownerId: string, read: () => Promise<UploadInput>): Promise<UploadResult>
}

/** How a completed upload ended: the media it became, or the problem that refused it. */
export type Completion = { kind: 'media'; result: UploadResult } | { kind: 'refused'; error: DomainError }

/**
 * Resumable (tus) uploads: an id bound to an account and a channel, bytes in the upload store
 * until the last one, then the same media pipeline as a multipart upload (uploads.ts).
 */
export interface ResumableUploadService {
  readonly uploadStore: UploadStore
  /**
   * Starts an upload of `length` bytes for channel `slug`: refuses (before any byte is stored) an
   * account that may not post there, a length over BACKLOT_VIDEO_MAX_BYTES (`media-too-large`) or
   * of 0 (`empty-file`), and an account holding BACKLOT_RESUMABLE_UPLOADS_PER_ACCOUNT unfinished
   * ones (`too-many-uploads`). The id is the server's, random; the row is returned.
   */
  create(accountId: string, slug: string, length: number, fields: UploadFields): Promise<ResumableUploadRow>
  /**
   * The upload `id`, if it is `accountId`'s, for channel `slug`, not expired, and the account may
   * still post there; every other case is `upload-not-found`, exactly like a missing id.
   */
  require(accountId: string, slug: string, id: string): Promise<ResumableUploadRow>
  /**
   * After the last byte: takes the file out of the upload store and through the media pipeline
   * once (the first caller wins; a repeat gets the outcome recorded so far, or null while it runs).
   */
  complete(id: string): Promise<Completion | null>
  /** Ends an upload (tus termination): its bytes and its row go; media it became stays. */
  remove(id: string): Promise<void>
  /** Deletes every upload of an erased account, rows and bytes (media it became goes with the account's media). */
  forgetAccount(accountId: string): Promise<void>
  /** Deletes expired uploads, rows and bytes; returns how many. Periodic. */
  sweep(): Promise<number>
}

/** Rows handled per sweep batch: bounded work per run; the next run goes on. */
const SWEEP_BATCH = 100

export function createResumableUploadService(deps: ResumableUploadDeps): ResumableUploadService {
  const { db, clock, config, uploadStore } = deps
  const logger = deps.logger.child({ area: 'resumable-uploads' })

  async function create(accountId: string, slug: string, length: number, fields: UploadFields) {
    const channelId = await deps.channelForUpload(accountId, slug)
    if (length === 0) fail('empty-file', 'The file is empty.')
    if (length > config.video.maxBytes) {
      fail(
        'media-too-large',
        `The file is larger than ${(config.video.maxBytes / 1_048_576).toFixed(0)} MiB.`,
      )
    }
    const now = clock.now()
    if ((await countReceiving(db, accountId, now)) >= config.resumable.perAccount) {
      fail(
        'too-many-uploads',
        `At most ${config.resumable.perAccount} unfinished uploads at once: finish or end (DELETE) one first.`,
      )
    }
    const row: ResumableUploadRow = {
      // 128 random bits: the URL names the upload, and nobody can guess another one's.
      id: randomBytes(16).toString('hex'),
      account_id: accountId,
      channel_id: channelId,
      length,
      fields: JSON.stringify(fields),
      status: 'receiving',
      media_id: null,
      error: null,
      created_at: now,
      expires_at: now + config.resumable.expiryMs,
    }
    await insertResumableUpload(db, row)
    return row
  }

  async function require(accountId: string, slug: string, id: string) {
    const row = /^[0-9a-f]{32}$/.test(id) ? await findResumableUpload(db, id) : undefined
    const isLive = row && (row.status !== 'receiving' || row.expires_at > clock.now())
    if (!row || row.account_id !== accountId || !isLive) notFound(id)
    let channelId: string
    try {
      channelId = await deps.channelForUpload(accountId, slug)
    } catch (error) {
      if (error instanceof DomainError) notFound(id)
      throw error
    }
    if (channelId !== row.channel_id) notFound(id)
    return row
  }

  async function complete(id: string): Promise<Completion | null> {
    if (!(await moveStatus(db, id, 'receiving', 'processing'))) return outcomeOf(id)
    const row = (await findResumableUpload(db, id))!
    await fs.mkdir(config.video.workDir, { recursive: true })
    const file = path.join(config.video.workDir, `upload-${randomUUID()}`)
    try {
      await uploadStore.take(id, file)
      const result = await deps.upload(row.account_id, () => readTaken(file, row))
      await moveStatus(db, id, 'processing', 'done', { media_id: result.media.id })
      return { kind: 'media', result }
    } catch (error) {
      await fs.rm(file, { force: true }).catch(() => {})
      const refusal =
        error instanceof DomainError
          ? error
          : new DomainError('internal', 'The upload could not be processed.')
      if (refusal.reason === 'internal') logger.error({ err: error, uploadId: id }, 'resumable upload failed')
      await moveStatus(db, id, 'processing', 'failed', { error: refusal.reason })
      return { kind: 'refused', error: refusal }
    }
  }

  /** What an upload became, for a second completion (a retried last PATCH). */
  async function outcomeOf(id: string): Promise<Completion | null> {
    const row = await findResumableUpload(db, id)
    if (row?.status === 'failed') {
      return { kind: 'refused', error: new DomainError(row.error as never, 'The upload was refused.') }
    }
    return null
  }

  /**
   * The taken file as the media pipeline's input: a video or voice container (by its first
   * bytes, never its name) is processed from the file; anything else is read as an image, if it
   * fits BACKLOT_MEDIA_MAX_BYTES (the image checks refuse what is not one).
   */
  async function readTaken(file: string, row: ResumableUploadRow): Promise<UploadInput> {
    const fields = JSON.parse(row.fields) as UploadFields
    const handle = await fs.open(file, 'r')
    const head = Buffer.alloc(64)
    try {
      await handle.read(head, 0, head.length, 0)
    } finally {
      await handle.close()
    }
    const container = detectAvContainer(head)
    if (container) return { av: { container, path: file, size: row.length }, ...fields }
    try {
      if (row.length > config.maxBytes) {
        fail('media-too-large', `An image may be at most ${(config.maxBytes / 1_048_576).toFixed(0)} MiB.`)
      }
      return { bytes: await fs.readFile(file), ...fields }
    } finally {
      await fs.rm(file, { force: true })
    }
  }

  async function remove(id: string) {
    await uploadStore.remove(id)
    await deleteResumableUpload(db, id)
  }

  async function forgetAccount(accountId: string) {
    for (const row of await listOfAccount(db, accountId)) await remove(row.id)
  }

  async function sweep() {
    let swept = 0
    for (;;) {
      const expired = await listExpired(db, clock.now(), SWEEP_BATCH)
      for (const row of expired) {
        // A finished upload's bytes are already in the media pipeline; only the row goes.
        if (row.status === 'receiving') await uploadStore.remove(row.id)
        await deleteResumableUpload(db, row.id)
      }
      swept += expired.length
      if (expired.length < SWEEP_BATCH) break
    }
    // Bytes whose row went another way (an erased account's uploads cascade away): the data
    // store's own expiry finds them by their age.
    await uploadStore.dataStore.deleteExpired().catch((error: unknown) => {
      logger.warn({ err: error }, 'the upload store could not delete expired uploads')
    })
    if (swept > 0) logger.info({ swept }, 'expired resumable uploads deleted')
    return swept
  }

  return { uploadStore, create, require, complete, remove, forgetAccount, sweep }
}

function notFound(id: string): never {
  fail('upload-not-found', `No upload ${id.slice(0, 40)} of yours here, or it expired.`)
}
