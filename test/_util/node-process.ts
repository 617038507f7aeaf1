import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { dropPostgresSchema, openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { backlotArgs } from './backlot-command.js'
import { pgTestUrl } from './db.js'

/**
 * Real server processes for cluster tests: compiled `node bin/backlot.js serve` children with their
 * own environment, as an operator would start nodes. Waits stay generous: the 2-core machine is
 * shared and a node also migrates and opens its database before it listens.
 */
const root = path.resolve(import.meta.dirname, '../..')
const START_TIMEOUT_MS = 120_000

export interface NodeProcess {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  url: string
  /** Pid of the server (the cluster primary with --workers). */
  pid: number
  child: ChildProcess
  /** Parsed JSON log lines so far. */
  logs: Record<string, any>[]
  waitForLog(match: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>
  /** SIGTERM (graceful drain); resolves with the exit code. */
  stop(): Promise<number | null>
}

export interface StartNodeOptions {
  env?: Record<string, string>
  args?: string[]
  /** Port to listen on; 0 (default) lets the node pick one, read back from its log. */
  port?: number
  /** Runs the node under `ulimit -n` of this many open files (soft and hard). */
  openFileLimit?: number
}

export async function startNodeProcess(options: StartNodeOptions = {}): Promise<NodeProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-node-'))
  const nodeArgs = backlotArgs('serve', ...(options.args ?? []))
  // `exec` keeps the pid: the shell only lowers the limit for the node it becomes.
  const [command, args] =
    options.openFileLimit === undefined
      ? [process.execPath, nodeArgs]
      : [
          '/bin/sh',
          ['-c', `ulimit -n ${options.openFileLimit} && exec "$0" "$@"`, process.execPath, ...nodeArgs],
        ]
  const child = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      BACKLOT_HOST: '127.0.0.1',
      BACKLOT_PORT: String(options.port ?? 0),
      BACKLOT_DATA_DIR: dataDir,
      BACKLOT_ARGON2: 'fast',
      BACKLOT_LOG_LEVEL: 'info',
      // Every test client is this machine (see test/_util/server.ts).
      BACKLOT_RATE_LIMIT_EXEMPT: '127.0.0.0/8,::1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, any>[] = []
  let stderr = ''
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line))
      } catch {
        logs.push({ msg: line })
      }
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  async function waitForLog(match: (line: Record<string, any>) => boolean, timeoutMs = START_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = logs.find(match)
      if (found) return found
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`node exited (${child.exitCode ?? child.signalCode}): ${stderr.slice(-2000)}`)
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for a log line; stderr: ${stderr.slice(-2000)}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const isWorkers = (options.args ?? []).includes('--workers')
  const cleanup = () => fs.rmSync(dataDir, { recursive: true, force: true })
  let ready: Record<string, any>
  try {
    ready = isWorkers
      ? await waitForLog((l) => typeof l.msg === 'string' && /^all \d+ workers listening/.test(l.msg))
      : await waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('Backlot is listening on'))
  } catch (error) {
    child.kill('SIGKILL')
    cleanup()
    throw error
  }
  const url = String(ready.url).replace(/\/$/, '')
  return {
    url,
    pid: child.pid!,
    child,
    logs,
    waitForLog,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
      cleanup()
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const code = await exited
      cleanup()
      return code
    },
  }
}

/** Starts several nodes at once, one per options; if one fails, stops the others before rethrowing. */
export async function startNodeProcesses(options: StartNodeOptions[]): Promise<NodeProcess[]> {
  const results = await Promise.allSettled(options.map((o) => startNodeProcess(o)))
  const failed = results.find((r) => r.status === 'rejected')
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  if (failed) {
    await Promise.all(started.map((n) => n.kill()))
    throw failed.reason
  }
  return started
}

/** A free TCP port on loopback (for `--workers`, whose workers must agree on one port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/**
 * A PostgreSQL schema of its own for one test file, migrated once from here — as an operator runs
 * `backlot migrate` once before starting the nodes — so nodes starting together never race to
 * create it. Returns the env the nodes need and a drop function.
 */
export async function createClusterDatabase(label: string) {
  const schema = `c_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const config = { kind: 'postgres' as const, location: pgTestUrl, schema }
  {
    await using database = await openDatabase(config)
    await migrateToLatest(database.db)
  }
  return {
    schema,
    env: { BACKLOT_DATABASE_URL: pgTestUrl, BACKLOT_DATABASE_SCHEMA: schema },
    /** A connection to the same schema, for checks against the log itself. */
    open: () => openDatabase(config),
    drop: () => dropPostgresSchema(pgTestUrl, schema),
  }
}

/** Registers a creator over HTTP, makes an all-scopes API token and a public channel. */
export async function setupCreator(url: string, handle: string, slug: string): Promise<string> {
  const json = { 'content-type': 'application/json' }
  const reg = await fetch(`${url}/api/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ handle, displayName: handle, password: 'cluster-password-123' }),
  })
  if (!reg.ok) throw new Error(`register failed: ${reg.status} ${await reg.text()}`)
  const cookie = reg.headers.get('set-cookie')!.split(';')[0]!
  const tok = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...json, cookie, 'x-backlot-csrf': '1' },
    body: JSON.stringify({ name: 'cluster', scopes: ['read', 'post', 'channel:admin'] }),
  })
  if (!tok.ok) throw new Error(`token failed: ${tok.status} ${await tok.text()}`)
  const { token } = (await tok.json()) as { token: string }
  const ch = await fetch(`${url}/api/v1/channels`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ slug, title: 'Cluster channel' }),
  })
  if (!ch.ok) throw new Error(`channel failed: ${ch.status} ${await ch.text()}`)
  return token
}

/** Waits until `condition()` holds, polling; throws `message` after the timeout. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
