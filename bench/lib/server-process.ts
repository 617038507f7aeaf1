import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** Starts the built server (`dist/`) as a child process on a free port with a fresh data folder. */
export interface ServerProcess {
  url: string
  host: string
  port: number
  child: ChildProcess
  dataDir: string
  /** Resident set size of the server process, in bytes (from /proc). */
  rss(): number
  /** User + system CPU time of the server process so far, in seconds (from /proc). */
  cpuSeconds(): number
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

export async function startServerProcess(
  env: Record<string, string> = {},
  options: {
    /** Arguments after `serve`, e.g. `--workers 2`. */
    args?: string[]
    /** Runs the server under `ulimit -n` of this many open files (the shell `exec`s it: same pid). */
    openFileLimit?: number
  } = {},
): Promise<ServerProcess> {
  const root = path.resolve(import.meta.dirname, '../..')
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-bench-'))
  const serve = [process.execPath, path.join(root, 'bin/backlot.js'), 'serve', ...(options.args ?? [])]
  const [command, ...args] =
    options.openFileLimit === undefined
      ? serve
      : ['/bin/sh', '-c', `ulimit -n ${options.openFileLimit} && exec "$0" "$@"`, ...serve]
  const child = spawn(command!, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      BACKLOT_HOST: '127.0.0.1',
      BACKLOT_PORT: String(port),
      BACKLOT_DATA_DIR: dataDir,
      BACKLOT_LOG_LEVEL: 'warn',
      BACKLOT_ARGON2: 'fast',
      // Benchmarks drive thousands of accounts from this one machine: rate limits would be measured
      // instead of the server (production never exempts loopback; the default is empty).
      BACKLOT_RATE_LIMIT_EXEMPT: '127.0.0.0/8,::1',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break
    } catch {}
    if (i > 200 || child.exitCode !== null) throw new Error('server did not start')
    await new Promise((r) => setTimeout(r, 50))
  }
  const pid = child.pid!
  return {
    url,
    host: '127.0.0.1',
    port,
    child,
    dataDir,
    rss: () => {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
      return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024
    },
    cpuSeconds: () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) / 100
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Registers an account, creates a token with every scope and a public channel; returns the token. */
export async function setupChannel(url: string, slug: string): Promise<string> {
  const json = { 'content-type': 'application/json' }
  const reg = await fetch(`${url}/api/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ handle: 'bench', displayName: 'Bench', password: 'bench-password-123' }),
  })
  if (!reg.ok) throw new Error(`register failed: ${reg.status} ${await reg.text()}`)
  const cookie = reg.headers.get('set-cookie')!.split(';')[0]!
  const tok = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...json, cookie, 'x-backlot-csrf': '1' },
    body: JSON.stringify({ name: 'bench', scopes: ['read', 'post', 'channel:admin'] }),
  })
  if (!tok.ok) throw new Error(`token failed: ${tok.status} ${await tok.text()}`)
  const { token } = (await tok.json()) as { token: string }
  const ch = await fetch(`${url}/api/v1/channels`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ slug, title: 'Bench channel' }),
  })
  if (!ch.ok) throw new Error(`channel failed: ${ch.status} ${await ch.text()}`)
  return token
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export function printTable(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return
  const cols = Object.keys(rows[0]!)
  const fmt = (v: string | number) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => fmt(r[c]!).length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ')
  console.log(line(cols))
  for (const r of rows) console.log(line(cols.map((c) => fmt(r[c]!))))
}

/** The integers from `from` to `to`, both included. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)
}
