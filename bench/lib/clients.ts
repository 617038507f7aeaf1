import { type ChildProcess, fork } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Subscriber processes (bench/fanout/client.ts), each holding up to PER_CLIENT sockets to one node; used by the fan-out and cluster benches.
 * Reports merge per sequence: how many sockets got it and when the last one did.
 */
const PER_CLIENT = 9_500 // each client process stays under the 20,000 open-file limit
const clientScript = path.resolve(import.meta.dirname, '../fanout/client.ts')

interface Report {
  received: [number, { n: number; last: number }][]
  closes: [number, number][]
}

export interface Target {
  host: string
  port: number
  count: number
}

export class Clients {
  private constructor(
    readonly procs: ChildProcess[],
    readonly startSeq: number,
  ) {}

  /** Opens `count` subscribers on each target; the channel's position when they all joined is `startSeq`. */
  static async start(targets: Target[], channel: string): Promise<Clients> {
    const plan: { target: Target; count: number }[] = []
    for (const target of targets) {
      const n = Math.ceil(target.count / PER_CLIENT)
      for (let i = 0; i < n; i++) {
        plan.push({ target, count: Math.floor(target.count / n) + (i < target.count % n ? 1 : 0) })
      }
    }
    const procs = plan.map(() => fork(clientScript, [], { execArgv: ['--import', 'tsx'] }))
    const joining = Promise.all(
      procs.map((proc, i) => {
        const { target, count } = plan[i]!
        // Spread source addresses so no loopback address runs out of ephemeral ports.
        const localAddresses = [`127.0.${i + 1}.1`, `127.0.${i + 1}.2`]
        proc.send({ type: 'start', host: target.host, port: target.port, channel, count, localAddresses })
        return once(proc, 'ready')
      }),
    )
    // A subscriber that never got in (refused, file limit) would leave the client waiting forever.
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('subscribers did not all join within 10 minutes')), 600_000)
    })
    try {
      const ready = (await Promise.race([joining, timeout])) as { startSeq: number }[]
      return new Clients(procs, Math.max(...ready.map((r) => r.startSeq)))
    } catch (error) {
      for (const proc of procs) proc.kill()
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * report(), once every subscriber (`perSeq` of them) has every seq in `seqs`, or at `timeoutMs`
   * (then some are missing; callers count them). Arrival times are stamped by the clients, so
   * polling less often only spares the CPU.
   */
  async waitDelivered(seqs: number[], perSeq: number, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const report = await this.report()
      if (seqs.every((s) => (report.get(s)?.n ?? 0) >= perSeq) || Date.now() > deadline) return report
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async report(): Promise<Map<number, { n: number; last: number }>> {
    const merged = new Map<number, { n: number; last: number }>()
    const reports = (await Promise.all(
      this.procs.map((p) => {
        p.send({ type: 'report' })
        return once(p, 'report')
      }),
    )) as Report[]
    for (const r of reports) {
      for (const [seq, e] of r.received) {
        const m = merged.get(seq)
        if (m) {
          m.n += e.n
          m.last = Math.max(m.last, e.last)
        } else merged.set(seq, { ...e })
      }
    }
    return merged
  }

  async closes(): Promise<Record<string, number>> {
    const out: Record<string, number> = {}
    for (const p of this.procs) {
      p.send({ type: 'report' })
      const r = (await once(p, 'report')) as Report
      for (const [code, n] of r.closes) out[code] = (out[code] ?? 0) + n
    }
    return out
  }

  /** User + system CPU time of the subscriber processes so far, in seconds (from /proc). */
  cpuSeconds(): number {
    return this.procs.reduce((sum, p) => sum + cpuSecondsOf(p.pid!), 0)
  }

  stop(): void {
    for (const p of this.procs) p.send({ type: 'exit' })
  }
}

function once(proc: ChildProcess, type: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string; message?: string }) => {
      if (msg.type === type) {
        proc.off('message', onMessage)
        resolve(msg)
      } else if (msg.type === 'error') reject(new Error(msg.message))
    }
    proc.on('message', onMessage)
  })
}

/** User + system CPU time of a process so far, in seconds (Linux /proc); 0 once it has exited. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}
