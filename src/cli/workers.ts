import cluster, { type Worker } from 'node:cluster'
import os from 'node:os'
import { settleStreamEpoch, stampCleanStop } from '../backup/restore-guard.js'
import { relayBus } from '../bus/ipc-bus.js'
import { loadConfig } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { connectionCapacity, readOpenFileLimit } from '../http/connections/capacity.js'
import { serveRateLimits } from '../kv/ipc-rate-limiter.js'
import { createRateLimiter } from '../kv/rate-limiter.js'
import { createLogger } from '../logger.js'
import { answerMetricsRequests, createClusterMetrics } from '../ops/cluster-metrics.js'
import { startMetricsServer } from '../ops/metrics-server.js'
import { systemClock } from '../util/clock.js'
import { startBalancer } from './connection-balancer.js'
import { warnAboutVariables } from './variable-warnings.js'

/** Most workers `--workers` accepts; more than cores only adds contention. */
const MAX_WORKERS = 64
/** How long a drain may take before the primary cuts the workers that are still running. */
const DRAIN_TIMEOUT_MS = 30_000

/** `--workers N` or `--workers auto` (one per core); throws one clear line on anything else. */
export function parseWorkerCount(raw: string | undefined): number {
  if (raw === undefined) return 1
  if (raw === 'auto') return Math.min(MAX_WORKERS, os.availableParallelism())
  const count = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!(count >= 1 && count <= MAX_WORKERS)) {
    throw new Error(`--workers must be a whole number from 1 to ${MAX_WORKERS}, or "auto"; got "${raw}"`)
  }
  return count
}

/**
 * The primary of `backlot serve --workers N` (node:cluster). It serves no request itself:
 * - checks the configuration, runs the migrations and checks for a restored database once, before
 *   any worker starts (and stamps the database once all have stopped, backup/restore-guard.ts);
 * - listens on the public port itself and hands each connection to the worker with the fewest
 *   open connections (connection-balancer.ts), so 38,000 streams end up 19,000 per worker; with
 *   more waiting than its descriptor capacity it closes the one that waited longest (issue 14),
 *   and each worker applies the per-address caps and its capacity to what it is handed;
 * - without BACKLOT_REDIS_URL, relays the workers' bus (IpcBus) and holds their shared rate limits;
 *   with BACKLOT_REDIS_URL the workers use Redis for both, like separate nodes;
 * - restarts a worker that dies (with backoff if it keeps dying);
 * - on SIGTERM/SIGINT, forwards SIGTERM so each worker drains (readyz 503, streams closed with
 *   4001 so clients reconnect elsewhere, requests finished), and returns once all have exited.
 */
export async function runPrimary(
  count: number,
  onListening: (url: string) => void = () => {},
): Promise<number> {
  const config = loadConfig()
  const logger = createLogger(config.logLevel).child({ area: 'cluster' })
  warnAboutVariables(logger)
  {
    await using database = await openDatabase(config.database)
    const applied = await migrateToLatest(database.db)
    if (applied.length) logger.info({ applied }, 'migrations applied')
    // Once, here, so every worker reads the same epoch (a worker restarted later does not check again).
    await settleStreamEpoch(database.db, config.database, logger)
  }
  const capacity = connectionCapacity(config.connections, readOpenFileLimit())
  const balancer = await startBalancer(config.host, config.port, logger, capacity.connections)
  // Workers listen only on an internal loopback port; links keep pointing at the public address.
  const workerEnv = {
    BACKLOT_HOST: '127.0.0.1',
    BACKLOT_PORT: '0',
    ...(config.publicUrlIsDefault ? { BACKLOT_PUBLIC_URL: balancer.url } : {}),
  }
  // /metrics sums every worker (cluster-metrics.ts): asked for by a worker, or on the metrics port.
  const clusterMetrics = createClusterMetrics()
  const { port: metricsPort } = config.metrics
  const metricsServer =
    metricsPort === undefined
      ? null
      : await startMetricsServer({ ...config.metrics, port: metricsPort }, async () => ({
          contentType: clusterMetrics.contentType,
          text: await clusterMetrics.collect(),
        }))
  const relay = config.redis ? null : relayBus()
  const sharedLimits = config.redis ? null : createRateLimiter(systemClock)
  const detachers = new Map<Worker, (() => void)[]>()
  const crashes: number[] = []
  let listening = 0
  let isStopping = false

  function fork(): void {
    const worker = cluster.fork(workerEnv)
    // A message sent to a worker that is exiting fails asynchronously (EPIPE) as an 'error' event on
    // the worker; without a listener it would crash the primary (seen when stopping after load).
    worker.on('error', (error) => logger.warn({ err: error, worker: worker.id }, 'worker channel error'))
    const detach: (() => void)[] = [
      () => balancer.remove(worker),
      answerMetricsRequests(worker, clusterMetrics.collect),
    ]
    if (relay) detach.push(relay.attach(worker))
    if (sharedLimits) detach.push(serveRateLimits(worker, sharedLimits))
    detachers.set(worker, detach)
    worker.once('listening', () => {
      balancer.add(worker)
      listening++
      logger.info({ worker: worker.id, pid: worker.process.pid }, 'worker listening')
      if (listening === count) {
        const url = balancer.url
        logger.info(
          {
            workers: count,
            url,
            bus: config.redis ? 'redis' : 'ipc',
            ...(metricsServer ? { metrics: metricsServer.url } : {}),
          },
          `all ${count} workers listening on ${url}`,
        )
        onListening(config.publicUrlIsDefault ? url : config.publicUrl.href)
      }
    })
  }

  const exited = new Promise<void>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      for (const detach of detachers.get(worker) ?? []) detach()
      detachers.delete(worker)
      if (isStopping) {
        if (detachers.size === 0) resolve()
        return
      }
      const now = Date.now()
      crashes.push(now)
      while (crashes.length && crashes[0]! < now - 60_000) crashes.shift()
      // A worker that keeps dying (bad deploy, database down) is restarted ever more slowly.
      const delayMs = Math.min(30_000, 500 * 2 ** (crashes.length - 1))
      logger.error(
        { worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delayMs },
        'worker died; restarting',
      )
      setTimeout(() => {
        if (!isStopping) fork()
      }, delayMs)
    })
  })

  for (let i = 0; i < count; i++) fork()

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (isStopping) return
      isStopping = true
      logger.info({ signal, workers: detachers.size }, 'draining workers')
      // New connections are refused from here on; open ones stay with their workers until drained.
      const stopAccepting = balancer.close()
      if (detachers.size === 0) return void stopAccepting.then(resolve)
      for (const worker of detachers.keys()) worker.process.kill('SIGTERM')
      const cut = setTimeout(() => {
        logger.warn({ workers: detachers.size }, 'drain timed out; killing workers')
        for (const worker of detachers.keys()) worker.process.kill('SIGKILL')
      }, DRAIN_TIMEOUT_MS)
      cut.unref()
      Promise.all([exited, stopAccepting]).then(() => resolve())
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
  await metricsServer?.close()
  logger.info('all workers stopped')
  {
    await using database = await openDatabase(config.database)
    await stampCleanStop(database.db, config.database)
  }
  return 0
}
