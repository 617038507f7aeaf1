import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * The bench's side of bench/lib/server-probe.cjs: the environment that loads the probe into the
 * server processes, the server-side flush records it writes, and phase CPU profiles.
 *
 * BENCH_PROFILE=1 on the bench command profiles the phases the bench names (single, burst) and
 * moves the .cpuprofile files to BENCH_PROFILE_DIR (default: <tmp>/backlot-profiles; open them in
 * Chrome DevTools, or summarise them with `npx tsx bench/lib/profile-summary.ts <file>`).
 */
export interface FlushRecord {
  pid: number
  channelId: string
  seq: number
  /** Commit time, ms since the epoch. */
  at: number
  /** When the flush that wrote the event began and when its last socket.write returned (ms). */
  writeStart: number
  writeEnd: number
  sockets: number
}

export class Probe {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-probe-'))
  readonly isProfiling = process.env.BENCH_PROFILE === '1'

  /** Environment for the server command (merged into its env). */
  get env(): Record<string, string> {
    return {
      NODE_OPTIONS: `--require ${path.join(import.meta.dirname, 'server-probe.cjs')}`,
      BENCH_PROBE_DIR: this.dir,
      ...(this.isProfiling ? { BENCH_PROFILE: '1' } : {}),
    }
  }

  /** Every event write the server processes recorded so far, by `seq` (one entry per process). */
  flushes(): Map<number, FlushRecord[]> {
    const bySeq = new Map<number, FlushRecord[]>()
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.startsWith('flush-')) continue
      for (const line of fs.readFileSync(path.join(this.dir, name), 'utf8').split('\n')) {
        if (!line) continue
        const record = JSON.parse(line) as FlushRecord
        const list = bySeq.get(record.seq)
        if (list) list.push(record)
        else bySeq.set(record.seq, [record])
      }
    }
    return bySeq
  }

  /**
   * flushes(), once every seq in `seqs` has a record from `processes` processes (or after
   * `timeoutMs`): a process records a write right after it, so a client can see the bytes a
   * moment before the record is on disk.
   */
  async flushesOf(seqs: number[], processes = 1, timeoutMs = 2_000): Promise<Map<number, FlushRecord[]>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const records = this.flushes()
      if (seqs.every((seq) => (records.get(seq)?.length ?? 0) >= processes) || Date.now() > deadline)
        return records
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /** Starts (or stops and saves, as `<label>-<pid>.cpuprofile`) the CPU profile of each process. */
  async profile(pids: number[], label: string, phase: 'start' | 'stop'): Promise<void> {
    if (!this.isProfiling) return
    for (const pid of pids) process.kill(pid, 'SIGUSR2')
    if (phase === 'start') return
    const outDir = process.env.BENCH_PROFILE_DIR ?? path.join(os.tmpdir(), 'backlot-profiles')
    fs.mkdirSync(outDir, { recursive: true })
    for (const pid of pids) {
      const deadline = Date.now() + 30_000
      for (;;) {
        const name = fs.readdirSync(this.dir).find((n) => n.startsWith(`cpu-${pid}-`))
        if (name) {
          // Wait for the write to finish (the file is written in one writeFileSync).
          await new Promise((r) => setTimeout(r, 200))
          const out = path.join(outDir, `${label}-${pid}.cpuprofile`)
          fs.copyFileSync(path.join(this.dir, name), out)
          fs.rmSync(path.join(this.dir, name))
          console.error(`profile: ${out}`)
          break
        }
        if (Date.now() > deadline) break
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

/**
 * Server-side latency of one event: from its commit to the last socket.write returning, on each
 * process that wrote it (the slowest process counts), and when that was (ms, for comparison with
 * the clients' last receive time).
 */
export function serverWriteLatency(records: FlushRecord[] | undefined): {
  commitToLastWriteMs: number
  lastWriteEnd: number
  perProcessMs: number[]
} | null {
  if (!records?.length) return null
  const perProcess = new Map<number, number>()
  let at = Number.POSITIVE_INFINITY
  for (const r of records) {
    at = Math.min(at, r.at)
    perProcess.set(r.pid, Math.max(perProcess.get(r.pid) ?? 0, r.writeEnd))
  }
  const ends = [...perProcess.values()]
  const lastWriteEnd = Math.max(...ends)
  return {
    commitToLastWriteMs: lastWriteEnd - at,
    lastWriteEnd,
    perProcessMs: ends.map((end) => end - at),
  }
}

/** Socket writes the server made for the given events, and how many flushes that took. */
export function serverWrites(
  bySeq: Map<number, FlushRecord[]>,
  seqs: number[],
): { writes: number; flushes: number } {
  const flushes = new Map<string, number>()
  for (const seq of seqs) {
    for (const r of bySeq.get(seq) ?? []) flushes.set(`${r.pid} ${r.writeStart}`, r.sockets)
  }
  let writes = 0
  for (const sockets of flushes.values()) writes += sockets
  return { writes, flushes: flushes.size }
}
