import { type ChildProcess, fork } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Clients, cpuSecondsOf } from '../lib/clients.js'
import { percentile, printTable, range } from '../lib/server-process.js'

/**
 * npm run bench:baseline — what this machine gives a bare `ws` server (bench/baseline/server.ts),
 * measured with the same subscriber processes as bench:fanout, so Backlot's figures can be read
 * against the machine instead of against figures taken on another day or another VM:
 *
 * - single pass: one ~750-byte event written to every subscriber, one socket.write each — the
 *   floor for "a post alone reaches the last subscriber", with no database, HTTP or queue on the path;
 * - plain ws.send: events sent one by one with `ws.send()` to every socket (one write per frame);
 * - coalesced: 50 events joined once and written to each socket in one write (the most a burst can
 *   gain from coalescing, for 50 events per write — about what bench:fanout's bursts carry).
 *
 * Each size runs on one server process, and the largest also on two (half the subscribers each,
 * every phase written by both at once) — the floor for `backlot serve --workers 2`.
 *
 * Prints a table and writes bench/results/baseline.json.
 * Usage: npm run bench:baseline [-- S1 S2 …]   (default 10000 19000)
 */
const sizes = process.argv.slice(2).map(Number).filter(Boolean)
const SUBSCRIBERS = sizes.length ? sizes : [10_000, 19_000]
const RUNS = [
  ...SUBSCRIBERS.map((total) => ({ total, processes: 1 })),
  { total: Math.max(...SUBSCRIBERS), processes: 2 },
]
const SINGLE_PASSES = 20
const SEND_EVENTS = 50
const COALESCED_BATCHES = 4
const EVENTS_PER_WRITE = 50
const now = () => performance.timeOrigin + performance.now()

interface PassDone {
  id: number
  passMs: number
  cpuMs: number
}

class BaselineServer {
  #nextId = 1
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<BaselineServer> {
    const child = fork(path.join(import.meta.dirname, 'server.ts'), [], { execArgv: ['--import', 'tsx'] })
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port))
      child.once('exit', () => reject(new Error('baseline server exited')))
    })
    return new BaselineServer(child, port)
  }

  /** Writes the events `seqs` to every subscriber, as `type` says (server.ts). */
  pass(type: 'send' | 'write', seqs: number[]): Promise<PassDone> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      const onMessage = (m: PassDone & { type: string }) => {
        if (m.type !== 'done' || m.id !== id) return
        this.child.off('message', onMessage)
        resolve(m)
      }
      this.child.on('message', onMessage)
      this.child.send({ type, id, seqs })
    })
  }

  cpuSeconds(): number {
    return cpuSecondsOf(this.child.pid!)
  }

  stop(): void {
    this.child.kill()
  }
}

/** Every server writes `seqs` to its subscribers at the same time; the slowest pass and the CPU they spent. */
async function passAll(servers: BaselineServer[], type: 'send' | 'write', seqs: number[]) {
  const done = await Promise.all(servers.map((server) => server.pass(type, seqs)))
  return {
    passMs: Math.max(...done.map((d) => d.passMs)),
    cpuMs: done.reduce((sum, d) => sum + d.cpuMs, 0),
  }
}

async function measure(total: number, processes: number) {
  const servers = await Promise.all(Array.from({ length: processes }, () => BaselineServer.start()))
  const cpuSeconds = () => servers.reduce((sum, server) => sum + server.cpuSeconds(), 0)
  const clients = await Clients.start(
    servers.map((server, i) => ({
      host: '127.0.0.1',
      port: server.port,
      count: Math.floor(total / processes) + (i < total % processes ? 1 : 0),
    })),
    'bench',
  )
  try {
    await new Promise((r) => setTimeout(r, 500))
    let seq = 0

    // One event alone, one write per socket: request → the last subscriber has it.
    const single: number[] = []
    const singlePass: number[] = []
    const singleCpu: number[] = []
    for (let i = 0; i < SINGLE_PASSES; i++) {
      const t0 = now()
      const done = await passAll(servers, 'write', [++seq])
      const report = await clients.waitDelivered([seq], total)
      single.push(report.get(seq)!.last - t0)
      singlePass.push(done.passMs)
      singleCpu.push(done.cpuMs)
      await new Promise((r) => setTimeout(r, 100))
    }

    // Plain ws: each event sent with ws.send() to every socket, one event after the other.
    const sendFirst = seq + 1
    const sendCpu0 = cpuSeconds()
    const tSend = now()
    for (let i = 0; i < SEND_EVENTS; i++) await passAll(servers, 'send', [++seq])
    const sendReport = await clients.waitDelivered(range(sendFirst, seq), total, 120_000)
    const send = burstFigures(sendReport, range(sendFirst, seq), tSend, cpuSeconds() - sendCpu0, total)

    // Coalesced: EVENTS_PER_WRITE events joined once, one write per socket per batch.
    const writeFirst = seq + 1
    const writeCpu0 = cpuSeconds()
    const tWrite = now()
    for (let i = 0; i < COALESCED_BATCHES; i++) {
      await passAll(servers, 'write', range(seq + 1, seq + EVENTS_PER_WRITE))
      seq += EVENTS_PER_WRITE
    }
    const writeReport = await clients.waitDelivered(range(writeFirst, seq), total, 120_000)
    const coalesced = burstFigures(
      writeReport,
      range(writeFirst, seq),
      tWrite,
      cpuSeconds() - writeCpu0,
      total,
    )

    return {
      subscribers: total,
      processes,
      singleP50Ms: percentile(single, 50),
      singleP99Ms: percentile(single, 99),
      /** The slowest server's pass alone: its first socket.write to its last one returning. */
      singlePassP50Ms: percentile(singlePass, 50),
      singlePassP99Ms: percentile(singlePass, 99),
      /** Server CPU per socket write of one event (the passes' CPU / subscribers). */
      singleCpuMicrosPerWrite: (percentile(singleCpu, 50) * 1000) / total,
      plainSendDeliveriesPerSec: send.deliveriesPerSec,
      plainSendCpuMicrosPerDelivery: send.cpuMicrosPerDelivery,
      coalescedDeliveriesPerSec: coalesced.deliveriesPerSec,
      coalescedCpuMicrosPerDelivery: coalesced.cpuMicrosPerDelivery,
      coalescedEventsPerWrite: EVENTS_PER_WRITE,
      allDelivered: send.missing === 0 && coalesced.missing === 0,
    }
  } finally {
    clients.stop()
    for (const server of servers) server.stop()
  }
}

function burstFigures(
  report: Map<number, { n: number; last: number }>,
  seqs: number[],
  start: number,
  cpuSeconds: number,
  subscribers: number,
) {
  const deliveries = seqs.reduce((sum, s) => sum + (report.get(s)?.n ?? 0), 0)
  const end = Math.max(...seqs.map((s) => report.get(s)?.last ?? 0))
  return {
    deliveriesPerSec: Math.round(deliveries / ((end - start) / 1000)),
    cpuMicrosPerDelivery: (cpuSeconds * 1e6) / deliveries,
    missing: seqs.length * subscribers - deliveries,
  }
}

const results = []
for (const { total, processes } of RUNS) {
  console.error(`baseline: ${total} subscribers over ${processes} process(es)…`)
  results.push(await measure(total, processes))
}
printTable(
  results.map((r) => ({
    subscribers: r.subscribers,
    processes: r.processes,
    'single p50 ms': r.singleP50Ms,
    'single p99 ms': r.singleP99Ms,
    'pass p50 ms': r.singlePassP50Ms,
    'cpu µs/write': r.singleCpuMicrosPerWrite,
    'ws.send deliveries/s': r.plainSendDeliveriesPerSec,
    'coalesced deliveries/s': r.coalescedDeliveriesPerSec,
    'coalesced cpu µs/delivery': r.coalescedCpuMicrosPerDelivery,
    'all delivered': r.allDelivered ? 'yes' : 'NO',
  })),
)
const out = path.resolve(import.meta.dirname, '../results/baseline.json')
fs.mkdirSync(path.dirname(out), { recursive: true })
fs.writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'baseline', date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`,
)
console.error(`wrote ${out}`)
