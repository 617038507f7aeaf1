import { performance } from 'node:perf_hooks'
import { Clients, type Target } from '../lib/clients.js'
import { type Probe, serverWriteLatency, serverWrites } from '../lib/probe.js'
import { percentile, range } from '../lib/server-process.js'
import type { BenchNode } from './nodes.js'

/**
 * One fan-out measurement over already-running nodes, as bench/fanout/run.ts measures one node:
 * posts published through the first node's HTTP API; latency is from the publish request's start to
 * the moment the last subscriber (on any node) has the event. With a probe (bench/lib/probe.ts) the
 * servers' own view is reported beside it: from the commit to the last socket.write returning, on
 * each server process (worker or node), and how long the clients took after that last write.
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
  /** Loaded into the nodes (startNode's `probe`): server-side timings and phase profiles. */
  probe?: Probe
  /** Names the phase profiles (BENCH_PROFILE=1). */
  label?: string
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

    const { probe } = options
    const pids = nodes.flatMap((n) => n.pids())
    const label = `cluster-${options.label ?? 'run'}`
    // The first post after start compiles its code path on every node: measured on its own, not
    // counted in the single-post percentiles (as in bench/fanout/run.ts).
    const first = await publish(publisher, token, 'first')
    seq++
    const firstPostMs = (await clients.waitDelivered([seq], total)).get(seq)!.last - first.t0
    await new Promise((r) => setTimeout(r, options.singleGapMs ?? 100))

    const single: number[] = []
    const singleServer: number[] = []
    const singleClientLag: number[] = []
    const perProcess = new Map<number, { total: number[]; untilFlush: number[]; flush: number[] }>()
    await probe?.profile(pids, `${label}-single`, 'start')
    const singleCpu0 = {
      servers: nodes.reduce((sum, n) => sum + n.cpuSeconds(), 0),
      clients: clients.cpuSeconds(),
    }
    for (let i = 0; i < options.singlePosts; i++) {
      const { t0 } = await publish(publisher, token, `single ${i}`)
      seq++
      const report = await clients.waitDelivered([seq], total)
      const last = report.get(seq)!.last
      single.push(last - t0)
      const records = probe?.flushes().get(seq)
      const written = serverWriteLatency(records)
      if (written && records) {
        singleServer.push(written.commitToLastWriteMs)
        singleClientLag.push(last - written.lastWriteEnd)
        for (const r of records) {
          const times = perProcess.get(r.pid) ?? { total: [], untilFlush: [], flush: [] }
          times.total.push(r.writeEnd - r.at)
          times.untilFlush.push(r.writeStart - r.at)
          times.flush.push(r.writeEnd - r.writeStart)
          perProcess.set(r.pid, times)
        }
      }
      await new Promise((r) => setTimeout(r, options.singleGapMs ?? 100))
    }
    // CPU the servers and the subscriber processes spent per single post (pauses included, so a
    // little heartbeat and polling work too): with C cores, (servers + clients) / C is a floor
    // for the latency whatever the scheduling — evidence of what this machine can do.
    const singleCpuMsPerPost = {
      servers:
        ((nodes.reduce((sum, n) => sum + n.cpuSeconds(), 0) - singleCpu0.servers) * 1000) /
        options.singlePosts,
      clients: ((clients.cpuSeconds() - singleCpu0.clients) * 1000) / options.singlePosts,
    }
    await probe?.profile(pids, `${label}-single`, 'stop')

    const burstFirst = seq + 1
    await probe?.profile(pids, `${label}-burst`, 'start')
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
    const burstReport = await clients.waitDelivered(burstSeqs, total, 180_000)
    const burstEnd = Math.max(...burstSeqs.map((s) => burstReport.get(s)?.last ?? 0))
    const cpu = nodes.reduce((sum, n) => sum + n.cpuSeconds(), 0) - cpu0
    await probe?.profile(pids, `${label}-burst`, 'stop')
    const flushRecords = probe?.flushes()
    const burstServerEnd = Math.max(
      ...burstSeqs.map((s) => serverWriteLatency(flushRecords?.get(s))?.lastWriteEnd ?? 0),
    )
    const burstSocketWrites = flushRecords ? serverWrites(flushRecords, burstSeqs) : null
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
      firstPostMs,
      singleMaxMs: Math.max(...single),
      /** Server side: commit → the last socket.write of the slowest process returned. */
      singleServerP50Ms: percentile(singleServer, 50),
      singleServerP99Ms: percentile(singleServer, 99),
      singleServerMaxMs: singleServer.length ? Math.max(...singleServer) : Number.NaN,
      /**
       * The same per server process (each worker or node: its own last write), split into commit →
       * flush start (bus hop, fan-out to the queues, waiting for the loop) and the flush itself.
       */
      singleServerPerProcess: [...perProcess].map(([pid, times]) => ({
        pid,
        p50Ms: percentile(times.total, 50),
        p99Ms: percentile(times.total, 99),
        untilFlushP50Ms: percentile(times.untilFlush, 50),
        untilFlushP99Ms: percentile(times.untilFlush, 99),
        flushP50Ms: percentile(times.flush, 50),
        flushP99Ms: percentile(times.flush, 99),
      })),
      singleCpuMsPerPost,
      /** From the servers' last write to the last client having the event (client processing). */
      singleClientLagP50Ms: percentile(singleClientLag, 50),
      singleClientLagP99Ms: percentile(singleClientLag, 99),
      burstDeliveriesPerSec: Math.round(burstDeliveries / ((burstEnd - tBurst) / 1000)),
      burstSeconds: (burstEnd - tBurst) / 1000,
      burstServerSeconds: burstServerEnd ? (burstServerEnd - tBurst) / 1000 : Number.NaN,
      burstEventsPerWrite: burstSocketWrites ? burstDeliveries / burstSocketWrites.writes : Number.NaN,
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
