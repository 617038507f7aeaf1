import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { dropPostgresSchema } from '../../src/db/database.js'
import { Clients } from '../lib/clients.js'
import { Probe, serverWriteLatency, serverWrites } from '../lib/probe.js'
import {
  percentile,
  printTable,
  range,
  type ServerProcess,
  setupChannel,
  startServerProcess,
} from '../lib/server-process.js'

/**
 * npm run bench:fanout — one server process on the embedded defaults (SQLite, memory bus), S idle
 * WebSocket subscribers on one channel held by separate cheap client processes, posts published
 * through the HTTP API in three phases: one post alone, 10 posts per second, and a burst.
 * Prints a table and writes bench/results/fanout.json.
 *
 * Usage: npm run bench:fanout [-- S1 S2 …]   (default 1000 10000 19000)
 * Env: BENCH_DATABASE_URL=postgres://… runs the server on PostgreSQL instead (a fresh schema per
 *      size, dropped afterwards) and writes bench/results/fanout-postgres.json.
 */
const pgUrl = process.env.BENCH_DATABASE_URL
const sizes = process.argv.slice(2).map(Number).filter(Boolean)
const SUBSCRIBERS = sizes.length ? sizes : [1000, 10_000, 19_000]
const SINGLE_POSTS = 20
const STEADY_SECONDS = 5
const BURST_POSTS = 200
const BURST_CONCURRENCY = 16
const now = () => performance.timeOrigin + performance.now()

async function publish(server: ServerProcess, token: string, text: string): Promise<{ t0: number }> {
  const t0 = now()
  const res = await fetch(`${server.url}/api/v1/channels/bench/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }),
  })
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${await res.text()}`)
  await res.arrayBuffer()
  return { t0 }
}

async function measure(total: number) {
  const probe = new Probe()
  const schema = `bench_fanout_${process.pid}_${total}`
  const server = await startServerProcess({
    ...probe.env,
    ...(pgUrl ? { BACKLOT_DATABASE_URL: pgUrl, BACKLOT_DATABASE_SCHEMA: schema } : {}),
  })
  const pids = [server.child.pid!]
  try {
    const token = await setupChannel(server.url, 'bench')
    const rssBefore = server.rss()
    const clients = await Clients.start([{ host: server.host, port: server.port, count: total }], 'bench')
    await new Promise((r) => setTimeout(r, 500))
    const rssIdle = server.rss()
    // Sequences continue from where the channel's log stood when the subscribers joined.
    let seq = clients.startSeq
    const startSeq = seq

    // The first post after start compiles its code path (JIT, lazy schemas, first pass over the
    // sockets): measured on its own, not counted in the single-post percentiles.
    const first = await publish(server, token, 'first')
    seq++
    const firstPostMs = (await clients.waitDelivered([seq], total)).get(seq)!.last - first.t0
    await new Promise((r) => setTimeout(r, 100))

    // Phase 1: one post alone, repeated. Besides the clients' view (request start → last client
    // has it), the server's own: commit → its last socket.write returned (bench/lib/probe.ts).
    /** Each single post's figures, in order, to tell a slow tail from a slow median. */
    const singleSamples: SingleSample[] = []
    await probe.profile(pids, `fanout-${total}-single`, 'start')
    const singleCpu0 = { server: server.cpuSeconds(), clients: clients.cpuSeconds() }
    for (let i = 0; i < SINGLE_POSTS; i++) {
      const { t0 } = await publish(server, token, `single ${i}`)
      seq++
      const report = await clients.waitDelivered([seq], total)
      const last = report.get(seq)!.last
      const records = (await probe.flushesOf([seq])).get(seq)
      const written = serverWriteLatency(records)
      singleSamples.push(
        written && records
          ? {
              totalMs: last - t0,
              untilFlushMs: Math.max(...records.map((r) => r.writeStart - r.at)),
              serverMs: written.commitToLastWriteMs,
              clientLagMs: last - written.lastWriteEnd,
            }
          : { totalMs: last - t0 },
      )
      await new Promise((r) => setTimeout(r, 100))
    }
    const single = singleSamples.map((s) => s.totalMs)
    const measured = (key: 'untilFlushMs' | 'serverMs' | 'clientLagMs') =>
      singleSamples.flatMap((s) => (s[key] === undefined ? [] : [s[key]]))
    const singleServer = measured('serverMs')
    const singleUntilFlush = measured('untilFlushMs')
    const singleClientLag = measured('clientLagMs')
    // CPU per single post of the server and of the subscriber processes (see bench/cluster/measure.ts).
    const singleCpuMsPerPost = {
      server: ((server.cpuSeconds() - singleCpu0.server) * 1000) / SINGLE_POSTS,
      clients: ((clients.cpuSeconds() - singleCpu0.clients) * 1000) / SINGLE_POSTS,
    }
    await probe.profile(pids, `fanout-${total}-single`, 'stop')

    // Phase 2: 10 posts per second.
    const steadyStarts = new Map<number, number>()
    const steadyFirst = seq + 1
    for (let i = 0; i < STEADY_SECONDS * 10; i++) {
      const tick = now()
      const { t0 } = await publish(server, token, `steady ${i}`)
      steadyStarts.set(++seq, t0)
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (now() - tick))))
    }
    const steadyReport = await clients.waitDelivered(range(steadyFirst, seq), total)
    const steady = range(steadyFirst, seq).map((s) => steadyReport.get(s)!.last - steadyStarts.get(s)!)

    // Phase 3: a burst, as fast as the API takes posts.
    const burstFirst = seq + 1
    await probe.profile(pids, `fanout-${total}-burst`, 'start')
    const cpu0 = server.cpuSeconds()
    const tBurst = now()
    let sent = 0
    await Promise.all(
      Array.from({ length: BURST_CONCURRENCY }, async () => {
        while (sent < BURST_POSTS) {
          sent++
          await publish(server, token, `burst ${sent}`)
        }
      }),
    )
    seq += BURST_POSTS
    const burstReport = await clients.waitDelivered(range(burstFirst, seq), total, 120_000)
    const burstEnd = Math.max(...range(burstFirst, seq).map((s) => burstReport.get(s)?.last ?? 0))
    const cpu = server.cpuSeconds() - cpu0
    await probe.profile(pids, `fanout-${total}-burst`, 'stop')
    const flushRecords = await probe.flushesOf(range(burstFirst, seq))
    const burstWrites = range(burstFirst, seq).map((s) => serverWriteLatency(flushRecords.get(s)))
    const burstSocketWrites = serverWrites(flushRecords, range(burstFirst, seq))
    const burstServerEnd = Math.max(...burstWrites.map((w) => w?.lastWriteEnd ?? 0))
    const burstDeliveries = range(burstFirst, seq).reduce((sum, s) => sum + (burstReport.get(s)?.n ?? 0), 0)

    const all = await clients.report()
    const delivered = range(startSeq + 1, seq).reduce(
      (sum, s) => sum + Math.min(total, all.get(s)?.n ?? 0),
      0,
    )
    const duplicates = range(startSeq + 1, seq).reduce(
      (sum, s) => sum + Math.max(0, (all.get(s)?.n ?? 0) - total),
      0,
    )
    const closes = await clients.closes()
    clients.stop()
    return {
      subscribers: total,
      posts: seq - startSeq,
      allDelivered: delivered === total * (seq - startSeq),
      missing: total * (seq - startSeq) - delivered,
      duplicates,
      closesDuringRun: closes,
      singleP50Ms: percentile(single, 50),
      singleP99Ms: percentile(single, 99),
      singleServerP50Ms: percentile(singleServer, 50),
      singleServerP99Ms: percentile(singleServer, 99),
      singleCpuMsPerPost,
      singleSamples: singleSamples.map(roundSample),
      firstPostMs,
      /** Commit → the flush that wrote the event began (bus, fan-out to the queues, the loop). */
      singleUntilFlushP50Ms: percentile(singleUntilFlush, 50),
      singleUntilFlushP99Ms: percentile(singleUntilFlush, 99),
      /** The server's last write → the last client has the event (client processing). */
      singleClientLagP50Ms: percentile(singleClientLag, 50),
      singleClientLagP99Ms: percentile(singleClientLag, 99),
      steadyP50Ms: percentile(steady, 50),
      steadyP99Ms: percentile(steady, 99),
      burstDeliveriesPerSec: Math.round(burstDeliveries / ((burstEnd - tBurst) / 1000)),
      burstSeconds: (burstEnd - tBurst) / 1000,
      burstServerSeconds: (burstServerEnd - tBurst) / 1000,
      /** Deliveries per second as the server wrote them (last socket.write of the burst). */
      burstServerDeliveriesPerSec: Math.round(burstDeliveries / ((burstServerEnd - tBurst) / 1000)),
      /** Flushes the burst took on the server, and events carried per socket write on average. */
      burstFlushes: burstSocketWrites.flushes,
      burstEventsPerWrite: burstDeliveries / burstSocketWrites.writes,
      serverCpuMicrosPerDelivery: (cpu * 1e6) / burstDeliveries,
      rssIdleMB: rssIdle / 1048576,
      rssPerIdleConnBytes: Math.round((rssIdle - rssBefore) / total),
    }
  } finally {
    await server.stop()
    probe.remove()
    if (pgUrl) await dropPostgresSchema(pgUrl, schema)
  }
}

interface SingleSample {
  /** Request start → the last client has the post. */
  totalMs: number
  /** Commit → the flush that wrote it began. */
  untilFlushMs?: number
  /** Commit → the server's last socket.write of it returned. */
  serverMs?: number
  /** That last write → the last client has it. */
  clientLagMs?: number
}

/** A sample with its times to 0.1 ms, for the JSON (undefined fields are left out). */
function roundSample(sample: SingleSample): SingleSample {
  const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10)
  return {
    totalMs: round(sample.totalMs)!,
    untilFlushMs: round(sample.untilFlushMs),
    serverMs: round(sample.serverMs),
    clientLagMs: round(sample.clientLagMs),
  }
}

const results = []
for (const total of SUBSCRIBERS) {
  console.error(`fanout: ${total} subscribers…`)
  results.push(await measure(total))
}
printTable(
  results.map((r) => ({
    subscribers: r.subscribers,
    'all delivered': r.allDelivered ? 'yes' : `NO (${r.missing} missing)`,
    'first post ms': r.firstPostMs,
    'single p50 ms': r.singleP50Ms,
    'single p99 ms': r.singleP99Ms,
    'server p50 ms': r.singleServerP50Ms,
    'server p99 ms': r.singleServerP99Ms,
    '10/s p50 ms': r.steadyP50Ms,
    '10/s p99 ms': r.steadyP99Ms,
    'burst deliveries/s': r.burstDeliveriesPerSec,
    'server burst/s': r.burstServerDeliveriesPerSec,
    'events/write': r.burstEventsPerWrite,
    'cpu µs/delivery': r.serverCpuMicrosPerDelivery,
    'RSS MB': r.rssIdleMB,
    'B/idle conn': r.rssPerIdleConnBytes,
  })),
)
const out = path.resolve(import.meta.dirname, `../results/${pgUrl ? 'fanout-postgres' : 'fanout'}.json`)
fs.mkdirSync(path.dirname(out), { recursive: true })
fs.writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'fanout', date: new Date().toISOString(), machine: machine(), store: pgUrl ? 'postgres' : 'sqlite', results }, null, 2)}\n`,
)
console.error(`wrote ${out}`)

function machine() {
  return {
    cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency,
    node: process.version,
  }
}
