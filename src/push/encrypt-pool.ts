import { createRequire } from 'node:module'
import os from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from '../logger.js'
import { type EncryptAnswer, type EncryptJob, encryptJob } from './encrypt-worker.js'

/**
 * RFC 8291 encryption off the main thread. One ECDH per message is most of a notification's CPU
 * (bench:push); on the main thread it competes with the HTTP client and the database for one core,
 * so the time to notify 100,000 devices is bounded by one core. Worker threads (one per core
 * besides the main thread's, at most MAX_THREADS) encrypt the next chunk while the main thread
 * sends the last. With no spare core, encryption runs inline.
 *
 * Workers start on first use and stop when the pool closes. Encryption has no side effect, so the
 * chunks of a worker that dies are simply encrypted again inline, and the next chunk starts a new
 * worker — unless the worker died before answering anything (it cannot start here), in which case
 * the pool logs it and encrypts inline from then on.
 */
export interface DeviceKeys {
  p256dh: string
  auth: string
}

export interface EncryptPool {
  /** `payload` encrypted for each device, in order: a body, or the error that prevented it. */
  encrypt(payload: Buffer, devices: readonly DeviceKeys[]): Promise<Array<Buffer | Error>>
  close(): Promise<void>
}

const MAX_THREADS = 4

/** Worker threads for this machine: one per core beyond the main thread's. */
export function defaultEncryptThreads(): number {
  return Math.min(MAX_THREADS, os.availableParallelism() - 1)
}

interface Pending {
  job: EncryptJob
  resolve(answer: EncryptAnswer): void
}

interface PoolWorker {
  worker: Worker
  pending: Map<number, Pending>
  hasAnswered: boolean
}

export interface EncryptPoolOptions {
  threads: number
  logger: Logger
  /** Test hook: starts a worker (default: encrypt-worker.js, see spawnWorker). */
  spawn?: () => Worker
}

export function createEncryptPool(options: EncryptPoolOptions): EncryptPool {
  const workers: Array<PoolWorker | null> = Array.from({ length: Math.max(0, options.threads) }, () => null)
  let isInline = workers.length === 0
  let isClosed = false
  let nextId = 0

  function start(slot: number): PoolWorker {
    const worker = (options.spawn ?? spawnWorker)()
    const entry: PoolWorker = { worker, pending: new Map(), hasAnswered: false }
    worker.unref()
    worker.on('message', (answer: EncryptAnswer) => {
      entry.hasAnswered = true
      const pending = entry.pending.get(answer.id)
      entry.pending.delete(answer.id)
      if (entry.pending.size === 0) worker.unref()
      pending?.resolve(answer)
    })
    const onFailure = (reason: string, error?: Error) => {
      if (workers[slot] === entry) workers[slot] = null
      if (!isClosed && !entry.hasAnswered && !isInline) {
        isInline = true
        options.logger.error({ err: error, reason }, 'push encryption worker cannot start; encrypting inline')
      } else if (!isClosed) {
        options.logger.error({ err: error, reason }, 'push encryption worker died; its chunks run inline')
      }
      for (const pending of entry.pending.values()) pending.resolve(encryptJob(pending.job))
      entry.pending.clear()
    }
    worker.on('error', (error) => onFailure('error', error))
    worker.on('exit', (code) => onFailure(`exit ${code}`))
    workers[slot] = entry
    return entry
  }

  /** The worker with the fewest chunks in hand, started if its slot is empty. */
  function pick(): PoolWorker {
    let best = 0
    for (let i = 0; i < workers.length; i++) {
      const candidate = workers[i]
      if (!candidate) return start(i)
      if (candidate.pending.size < workers[best]!.pending.size) best = i
    }
    return workers[best]!
  }

  function run(job: EncryptJob): Promise<EncryptAnswer> {
    if (isInline) return Promise.resolve(encryptJob(job))
    const entry = pick()
    return new Promise((resolve) => {
      entry.pending.set(job.id, { job, resolve })
      entry.worker.ref()
      entry.worker.postMessage(job)
    })
  }

  return {
    async encrypt(payload, devices) {
      if (isClosed) throw new Error('push encryption pool closed')
      if (devices.length === 0) return []
      const keys: string[] = []
      for (const device of devices) keys.push(device.p256dh, device.auth)
      // A copy of just the payload's bytes: a Buffer from Node's pool would send the whole pool.
      const answer = await run({ id: nextId++, payload: new Uint8Array(payload), keys })
      const bodies = Buffer.from(answer.bodies)
      return answer.errors.map((error, i) =>
        error === null
          ? bodies.subarray(i * answer.bodyLength, (i + 1) * answer.bodyLength)
          : new Error(error),
      )
    },
    async close() {
      isClosed = true
      await Promise.all(workers.splice(0).map((entry) => entry?.worker.terminate()))
    },
  }
}

/**
 * The worker runs the compiled encrypt-worker.js next to this file — or, when this module is
 * TypeScript (tsx, vitest), the .ts source through tsx's loader, registered inside the worker
 * (`execArgv: ['--import', 'tsx']` does not reach a worker's entry module on Node 20).
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./encrypt-worker.js', import.meta.url))
  const source = new URL('./encrypt-worker.ts', import.meta.url).href
  // tsx's ESM API has an `import` build beside the `require` one that require.resolve finds.
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs')
  const boot = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(boot, { eval: true })
}
