import type { Worker } from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'
import { type IpcPort, isTagged, trySend } from '../ipc/ipc-port.js'

/**
 * `/metrics` under `serve --workers N` (issue 22): any worker may get the scrape, and it must report
 * all N, not itself. The worker asks the primary over the IPC channel; the primary collects every
 * worker's registry with prom-client's cluster aggregation (AggregatorRegistry, which sums counters
 * and gauges and merges histograms across node:cluster workers) and answers with the text.
 */
interface MetricsRequest {
  backlot: 'metrics-request'
  id: number
}
interface MetricsResponse {
  backlot: 'metrics-response'
  id: number
  text?: string
  error?: string
}

/** How long a worker waits for the primary's aggregate (prom-client gives each worker 5 s). */
const REQUEST_TIMEOUT_MS = 10_000

/**
 * In a worker: lets the primary read `registries` (prom-client's cluster protocol answers for them).
 * Called with none as the worker starts, so a scrape during its start-up counts it as empty rather
 * than waiting for an answer that would never come, then with its registry once it has one.
 */
export function shareWithPrimary(registries: Registry[]): void {
  new AggregatorRegistry() // registers prom-client's worker-side listener (idempotent)
  AggregatorRegistry.setRegistries(registries)
}

let nextId = 0

/** In a worker: the metrics of every worker, summed by the primary. */
export function requestClusterMetrics(primary: IpcPort): Promise<string> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!isTagged<MetricsResponse>(message, 'metrics-response') || message.id !== id) return
      finish()
      if (message.error !== undefined) reject(new Error(message.error))
      else resolve(message.text ?? '')
    }
    const timer = setTimeout(() => {
      finish()
      reject(new Error('the primary did not answer the metrics request'))
    }, REQUEST_TIMEOUT_MS)
    const finish = () => {
      clearTimeout(timer)
      primary.off('message', onMessage)
    }
    primary.on('message', onMessage)
    if (!trySend(primary, { backlot: 'metrics-request', id } satisfies MetricsRequest)) {
      finish()
      reject(new Error('the channel to the primary is closed'))
    }
  })
}

/** In the primary: one aggregator for the metrics port and the workers' requests. */
export function createClusterMetrics(): { contentType: string; collect: () => Promise<string> } {
  const aggregator = new AggregatorRegistry()
  return { contentType: aggregator.contentType, collect: () => aggregator.clusterMetrics() }
}

/** In the primary: answers `worker`'s metrics requests with `collect`; returns a detach function. */
export function answerMetricsRequests(worker: Worker, collect: () => Promise<string>): () => void {
  const onMessage = (message: unknown) => {
    if (!isTagged<MetricsRequest>(message, 'metrics-request')) return
    collect().then(
      (text) =>
        trySend(worker, { backlot: 'metrics-response', id: message.id, text } satisfies MetricsResponse),
      (error: unknown) =>
        trySend(worker, {
          backlot: 'metrics-response',
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        } satisfies MetricsResponse),
    )
  }
  worker.on('message', onMessage)
  return () => worker.off('message', onMessage)
}
