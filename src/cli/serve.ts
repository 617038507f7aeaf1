import cluster from 'node:cluster'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/config.js'
import { primaryPort } from '../ipc/ipc-port.js'
import { shareWithPrimary } from '../ops/cluster-metrics.js'
import { startMetricsServer } from '../ops/metrics-server.js'
import { startServer } from '../server.js'
import { acceptHandedConnections } from './connection-balancer.js'
import { seedDemoQuietly } from './demo.js'
import { demoReport } from './demo-seed.js'
import { stopWhenOrphaned } from './parent-watch.js'
import { warnAboutVariables } from './variable-warnings.js'
import { parseWorkerCount, runPrimary } from './workers.js'

/**
 * `backlot serve [--workers N|auto] [--demo]`: start on the configured (or embedded default) settings until
 * SIGINT/SIGTERM. With `--workers` above 1 this process becomes the cluster primary (workers.ts)
 * and each worker runs this same command as a server sharing the port.
 */
export async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { workers: { type: 'string' }, demo: { type: 'boolean' } },
    strict: true,
  })
  const workers = parseWorkerCount(values.workers)
  // `--demo` (npm start -- --demo): seed the demo channel once, before any worker starts serving;
  // its summary follows once the server listens, with the address it really got.
  const demo = values.demo && !cluster.isWorker ? await seedDemoQuietly(loadConfig(), false) : null
  const printDemo = (url: string) => demo && console.log(demoReport(demo, url))
  // Under npm/npx a shell sits between npm and this process and swallows SIGTERM (parent-watch.ts).
  if (!cluster.isWorker) stopWhenOrphaned()
  if (workers > 1 && cluster.isPrimary) return runPrimary(workers, printDemo)

  const config = loadConfig()
  if (cluster.isWorker) shareWithPrimary([])
  // A worker's primary has checked the database for a restore already (workers.ts).
  const server = await startServer(config, { checkRestore: !cluster.isWorker })
  const log = server.ctx.logger
  // A worker serves the connections the primary hands it (connection-balancer.ts).
  const primary = primaryPort()
  const stopTakingConnections = primary ? acceptHandedConnections(primary, server.app.server) : () => {}
  if (cluster.isWorker) shareWithPrimary([server.ctx.metrics.registry])
  // BACKLOT_METRICS_PORT: /metrics on a port of its own (a worker's primary serves it for all).
  const { port: metricsPort } = config.metrics
  const registry = server.ctx.metrics.registry
  const metricsServer =
    metricsPort === undefined || cluster.isWorker
      ? null
      : await startMetricsServer({ ...config.metrics, port: metricsPort }, async () => ({
          contentType: registry.contentType,
          text: await registry.metrics(),
        }))
  if (!cluster.isWorker) warnAboutVariables(log)
  if (config.push.subjectWarning) log.warn({ variable: 'BACKLOT_PUSH_SUBJECT' }, config.push.subjectWarning)
  log.info(
    {
      url: server.url,
      publicUrl: config.publicUrl.href,
      database: config.database.kind,
      dataDir: config.dataDir,
      bus: config.redis ? 'redis' : cluster.isWorker ? 'ipc' : 'memory',
      ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}),
      ...(metricsServer ? { metrics: metricsServer.url } : {}),
    },
    cluster.isWorker ? `worker ready (${server.url} inside)` : `Backlot is listening on ${server.url}`,
  )
  printDemo(config.publicUrlIsDefault ? server.url : config.publicUrl.href)
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down')
      stopTakingConnections()
      Promise.all([metricsServer?.close(), server.close()]).then(
        () => resolve(),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed')
          resolve()
        },
      )
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
  // A worker's IPC channel to the primary would keep the process alive after the drain.
  if (cluster.isWorker) process.disconnect()
  return 0
}
