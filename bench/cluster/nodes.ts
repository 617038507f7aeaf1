import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Probe } from '../lib/probe.js'
import { freePort } from '../lib/server-process.js'

/**
 * A built server (`dist/`) as a child process — one node, or a `--workers N` primary with its
 * workers — ready once its log says every worker listens. CPU is read from /proc for the whole
 * process tree (primary + workers), so per-delivery cost compares across layouts.
 */
export interface BenchNode {
  url: string
  host: string
  port: number
  pids(): number[]
  cpuSeconds(): number
  stop(): Promise<void>
}

const root = path.resolve(import.meta.dirname, '../..')

export async function startNode(env: Record<string, string>, workers = 1, probe?: Probe): Promise<BenchNode> {
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-bench-'))
  const args = [
    path.join(root, 'bin/backlot.js'),
    'serve',
    ...(workers > 1 ? ['--workers', String(workers)] : []),
  ]
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      BACKLOT_HOST: '127.0.0.1',
      BACKLOT_PORT: String(port),
      BACKLOT_DATA_DIR: dataDir,
      // info: the start-up lines say when every worker listens (request lines are discarded after).
      BACKLOT_LOG_LEVEL: 'info',
      BACKLOT_ARGON2: 'fast',
      // All bench clients are this machine; limits would be measured instead of the nodes.
      BACKLOT_RATE_LIMIT_EXEMPT: '127.0.0.0/8,::1',
      // The primary and (through NODE_OPTIONS) every worker load the bench probe.
      ...probe?.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const workerPids: number[] = []
  let ready = false
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    if (ready) return // discard request logs: reading them would cost the bench CPU
    buffered += chunk
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) {
      if (line.includes('"worker listening"')) workerPids.push(Number(/"pid":(\d+)/.exec(line)![1]))
      if (
        workers > 1
          ? line.includes(`all ${workers} workers listening`)
          : line.includes('Backlot is listening')
      ) {
        ready = true
      }
    }
  })
  const deadline = Date.now() + 120_000
  while (!ready) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('node did not start')
    await new Promise((r) => setTimeout(r, 50))
  }
  const pids = () => [child.pid!, ...workerPids]
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    pids,
    cpuSeconds: () => pids().reduce((sum, pid) => sum + cpuOf(pid), 0),
    stop: async () => {
      // A node the bench killed itself has a signalCode and no exitCode: it is already gone.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

function cpuOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0 // a restarted or exited worker
  }
}

/** Open sockets per process (Linux /proc): shows how the streams spread over workers. */
export function socketCount(pid: number): number {
  let count = 0
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) count++
    } catch {}
  }
  return count
}
