import { performance } from 'node:perf_hooks'
import { Clients, type Target } from '../lib/clients.js'
import { percentile } from '../lib/server-process.js'
import type { BenchNode } from './nodes.js'

/**
 * One fan-out measurement over already-running nodes, as bench/fanout/run.ts measures one node:
 * posts published through the first node's HTTP API; latency is from the publish request's start to
 * the moment the last subscriber (on any node) has the event.
 */
export interface MeasureOptions {
  nodes: BenchNode[]
  token: string
  /** Subscribers per node, in the order of `nodes`. */
  spread: number[]
  singlePosts: number
  burstPosts: number
  /** Pause between single posts, so each one is alone. */
  singleGapMs?: number
  /** Called once every subscriber joined; its result is reported as `layoutCheck`. */
  inspect?: () => unknown
}

const BURST_CONCURRENCY = 16
const now = () => performance.timeOrigin + performance.now()

export async function measure(options: MeasureOptions) {
  const { nodes, token, spread } = options
  const publisher = nodes[0]!
  const total = spread.reduce((a, b) => a + b, 0)
  const targets: Target[] = nodes
    .map((n, i) => ({ host: n.host, port: n.port, count: spread[i]! }))
    .filter((t) => t.count > 0)
  const clients = await Clients.start(targets, 'bench')
  try {
    await new Promise((r) => setTimeout(r, 500))
    const layoutCheck = options.inspect?.()
    let seq = clients.startSeq
    const startSeq = seq

    const single: number[] = []
    for (let i = 0; i < options.singlePosts; i++) {
      const { t0 } = await publish(publisher, token, `single ${i}`)
      seq++
      const report = await waitDelivered(clients, [seq], total)
      single.push(report.get(seq)!.last - t0)
      await new Promise((r) => setTimeout(r, options.singleGapMs ?? 100))
    }

    const burstFirst = seq + 1
    const cpu0 = nodes.reduce((sum, n) => sum + n.cpuSeconds(), 0)
    const tBurst = now()
    let sent = 0
    await Promise.all(
      Array.from({ length: BURST_CONCURRENCY }, async () => {
        while (sent < options.burstPosts) {
          sent++
          await publish(publisher, token, `burst ${sent}`)
        }
      }),
    )
    seq += options.burstPosts
    const burstSeqs = range(burstFirst, seq)
    const burstReport = await waitDelivered(clients, burstSeqs, total, 180_000)
    const burstEnd = Math.max(...burstSeqs.map((s) => burstReport.get(s)?.last ?? 0))
    const cpu = nodes.reduce((sum, n) => sum + n.cpuSeconds(), 0) - cpu0
    const burstDeliveries = burstSeqs.reduce((sum, s) => sum + Math.min(total, burstReport.get(s)?.n ?? 0), 0)

    const all = await clients.report()
    const seqs = range(startSeq + 1, seq)
    const delivered = seqs.reduce((sum, s) => sum + Math.min(total, all.get(s)?.n ?? 0), 0)
    const duplicates = seqs.reduce((sum, s) => sum + Math.max(0, (all.get(s)?.n ?? 0) - total), 0)
    return {
      subscribers: total,
      spread,
      layoutCheck,
      posts: seq - startSeq,
      allDelivered: delivered === total * (seq - startSeq),
      missing: total * (seq - startSeq) - delivered,
      duplicates,
      closesDuringRun: await clients.closes(),
      singleP50Ms: percentile(single, 50),
      singleP99Ms: percentile(single, 99),
      singleMaxMs: Math.max(...single),
      burstDeliveriesPerSec: Math.round(burstDeliveries / ((burstEnd - tBurst) / 1000)),
      burstSeconds: (burstEnd - tBurst) / 1000,
      serverCpuMicrosPerDelivery: burstDeliveries ? (cpu * 1e6) / burstDeliveries : Number.NaN,
    }
  } finally {
    clients.stop()
  }
}

async function publish(node: BenchNode, token: string, text: string): Promise<{ t0: number }> {
  const t0 = now()
  const res = await fetch(`${node.url}/api/v1/channels/bench/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }),
  })
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${await res.text()}`)
  await res.arrayBuffer()
  return { t0 }
}

async function waitDelivered(clients: Clients, seqs: number[], total: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const report = await clients.report()
    if (seqs.every((s) => (report.get(s)?.n ?? 0) >= total) || Date.now() > deadline) return report
    // Arrival times are stamped by the clients; polling less often only spares the CPU.
    await new Promise((r) => setTimeout(r, 50))
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)
}
