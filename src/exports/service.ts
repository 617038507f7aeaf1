import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { requireReadableChannel } from '../channels/index.js'
import type { Db } from '../db/database.js'
import { fail } from '../errors.js'
import type { Logger } from '../logger.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Queue } from '../queue/queue.js'
import type { Clock } from '../util/clock.js'
import { newId } from '../util/ids.js'
import { channelPlan, personPlan } from './plans.js'
import {
  deleteExportJobsOf,
  type ExportJobRecord,
  findExportJob,
  findUnfinishedJob,
  insertExportJob,
  listExpired,
  listExportJobs,
  listUnfinishedJobs,
  markExpired,
  markFinished,
  markRunning,
  recordProgress,
} from './store.js'
import type { ArchivePlan } from './write-archive.js'
import { writeArchive } from './write-archive.js'

export interface ExportServiceDeps {
  db: Db
  clock: Clock
  queue: Queue
  mediaStore: MediaStore
  logger: Logger
  /** Archives are written under `<dataDir>/exports`. */
  dataDir: string
  /** How long a finished archive is kept. */
  ttlMs: number
  publicUrl: () => URL
}

export const EXPORT_JOB = 'export'
/** How often the expiry sweep runs; an archive outlives its time by at most this much. */
export const EXPORT_SWEEP_INTERVAL_MS = 15 * 60_000
/** Progress is written to the database at most this often (the GET reads it). */
const PROGRESS_EVERY_MS = 500

export interface ExportArchive {
  body: Readable
  size: number
  /** What the browser saves it as. */
  downloadName: string
}

/**
 * Exports (issue 17 point 2): a person's own data, or a whole channel for its owner, written as a
 * zip by a Queue job with progress, kept for `ttlMs`, downloadable only by the account that asked
 * (anyone else gets `export-not-found`, as for an id that never existed). One export per person is
 * queued or running at a time. The archive file lives in the data folder of the node that ran the
 * job: in a cluster the data folder must be shared, or downloads may land on another node
 * (docs/export-format.md).
 */
export function createExportService(deps: ExportServiceDeps) {
  const { db, clock, queue, logger } = deps
  const folder = path.join(deps.dataDir, 'exports')

  async function request(accountId: string, kind: 'person' | 'channel', channelId: string | null) {
    const running = await findUnfinishedJob(db, accountId)
    if (running) fail('export-running', 'An export of yours is still being made: wait until it is ready.')
    const id = newId()
    await insertExportJob(db, { id, accountId, kind, channelId, at: clock.now() })
    await queue.add(EXPORT_JOB, { id }, { jobId: `export:${id}` })
    return (await findExportJob(db, id))!
  }

  async function mine(accountId: string, id: string): Promise<ExportJobRecord> {
    const job = await findExportJob(db, id)
    if (!job || job.account_id !== accountId) fail('export-not-found', 'No such export.')
    return job
  }

  async function planFor(job: ExportJobRecord): Promise<ArchivePlan> {
    const server = deps.publicUrl().origin
    if (job.kind === 'person') return personPlan(db, job.account_id, server, clock.now())
    const channel = await db
      .selectFrom('channel')
      .selectAll()
      .where('id', '=', job.channel_id!)
      .executeTakeFirstOrThrow()
    return channelPlan(db, channel, server, clock.now())
  }

  /** The Queue handler: writes the archive, recording progress; a failure marks the job failed. */
  async function run(id: string): Promise<void> {
    const job = await findExportJob(db, id)
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return
    await fs.mkdir(folder, { recursive: true })
    const fileName = `${id}.zip`
    const partial = path.join(folder, `${fileName}.part`)
    let lastWrite = 0
    try {
      const plan = await planFor(job)
      const done = await writeArchive(
        { db, mediaStore: deps.mediaStore },
        plan,
        partial,
        new Date(clock.now()),
        {
          started: (total) => markRunning(db, id, total),
          advanced: async (n) => {
            if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return
            lastWrite = Date.now()
            await recordProgress(db, id, n)
          },
        },
      )
      await fs.rename(partial, path.join(folder, fileName))
      const { size } = await fs.stat(path.join(folder, fileName))
      const at = clock.now()
      await markFinished(db, id, {
        status: 'ready',
        fileName,
        bytes: size,
        at,
        expiresAt: at + deps.ttlMs,
        done,
      })
      // Its person was erased while it ran (forget): the archive must not stay behind.
      if (!(await findExportJob(db, id))) {
        await fs.rm(path.join(folder, fileName), { force: true })
        return
      }
      logger.info({ export: id, kind: job.kind, items: done, bytes: size }, 'export ready')
    } catch (error) {
      await fs.rm(partial, { force: true })
      logger.error({ err: error, export: id }, 'export failed')
      await markFinished(db, id, { status: 'failed', error: 'internal', at: clock.now() })
    }
  }

  return {
    /** Registers the job handler and queues again exports a stop interrupted (the in-process queue is not durable). */
    async start(): Promise<void> {
      queue.process<{ id: string }>(EXPORT_JOB, (data) => run(data.id), { concurrency: 1 })
      for (const job of await listUnfinishedJobs(db))
        await queue.add(EXPORT_JOB, { id: job.id }, { jobId: `export:${job.id}` })
    },

    /** A person's own data. */
    requestPersonal: (accountId: string) => request(accountId, 'person', null),

    /** A whole channel: its owner only (admins manage it, but the archive holds its whole history). */
    async requestChannel(accountId: string, slug: string) {
      const access = await requireReadableChannel(db, slug, accountId)
      if (access.role !== 'owner')
        fail('not-allowed', `Only the owner of "${access.channel.slug}" can export it.`)
      return request(accountId, 'channel', access.channel.id)
    },

    list: (accountId: string) => listExportJobs(db, accountId, 20),
    get: mine,

    /** The finished archive as a stream, for its owner only. */
    async open(accountId: string, id: string): Promise<ExportArchive> {
      const job = await mine(accountId, id)
      if (job.status !== 'ready' || !job.file_name || (job.expires_at ?? 0) <= clock.now())
        fail('export-not-found', 'This export is not ready, or it has expired.')
      const file = path.join(folder, job.file_name)
      const stat = await fs.stat(file).catch(() => null)
      if (!stat) fail('export-not-found', 'This export is no longer stored.')
      const day = new Date(job.created_at).toISOString().slice(0, 10)
      return {
        body: createReadStream(file),
        size: stat.size,
        downloadName: `backlot-export-${day}-${id}.zip`,
      }
    },

    /**
     * Deletes every archive an account asked for, finished or not, with its job rows: an erased
     * person's data must not outlive the erasure in a download (issue 17 point 3). A job still
     * running finds its row gone when it ends and removes its own file.
     */
    async forget(accountId: string): Promise<void> {
      for (const job of await deleteExportJobsOf(db, accountId)) {
        await fs.rm(path.join(folder, `${job.id}.zip.part`), { force: true })
        if (job.file_name) await fs.rm(path.join(folder, job.file_name), { force: true })
      }
    },

    /** Deletes archives whose time is up (a periodic job); returns how many. */
    async sweep(): Promise<number> {
      let removed = 0
      for (;;) {
        const expired = await listExpired(db, clock.now(), 100)
        for (const job of expired) {
          if (job.file_name) await fs.rm(path.join(folder, job.file_name), { force: true })
          await markExpired(db, job.id)
          removed += 1
        }
        if (expired.length < 100) return removed
      }
    },
  }
}

export type ExportService = ReturnType<typeof createExportService>
