import { type ChildProcess, fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { newId } from '../../src/util/ids.js'
import { writeResult } from '../lib/results.js'
import { printTable, type ServerProcess, setupChannel, startServerProcess } from '../lib/server-process.js'
import { encryptionRate, pipelineRate } from './pipeline.js'

/**
 * npm run bench:push — Web Push delivery throughput on this machine.
 *
 * 1. In-process: RFC 8291 encryptions per CPU-second (fresh ECDH key per message), the ceiling.
 * 2. In-process pipeline: everything the server does for a post to D devices (jobs, claims,
 *    payload, encryption, VAPID) with a transport that answers 201 without the network.
 * 3. End to end: the built server (SQLite, in-process queue) and the loopback push service of the
 *    tests in separate processes. D devices across D/5 members are seeded straight into the
 *    server's database; one post is published through the API; the run ends when the push service
 *    has accepted every device's message. Reported: wall time from publish to the last message,
 *    notifications per second, and notifications per second of server CPU time — "per core",
 *    since the push service shares the machine's two cores. The server's CPU time is its whole
 *    process (encryption worker threads included); the push service's is reported beside it.
 * Writes bench/results/push.json.
 *
 * Usage: npm run bench:push [-- D1 D2 …] [--end-to-end]   (default 10000 100000)
 * Profile: BENCH_CPU_PROF=/tmp/prof npx tsx bench/push/run.ts 10000 --end-to-end, then
 *          npx tsx bench/lib/profile-summary.ts /tmp/prof/push-<pid>-1.cpuprofile (self time, main thread).
 */
const sizes = process.argv.slice(2).map(Number).filter(Boolean)
const DEVICES = sizes.length ? sizes : [10_000, 100_000]
/** --end-to-end: only part 3, and no results file (quick comparisons while optimising). */
const isEndToEndOnly = process.argv.includes('--end-to-end')
const DEVICES_PER_MEMBER = 5

function ask<T>(child: ChildProcess, message: Record<string, unknown>): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: { type: string }) => {
      if (reply.type !== message.type) return
      child.off('message', onMessage)
      resolve(reply as T)
    }
    child.on('message', onMessage)
    child.send(message)
  })
}

interface Stats {
  accepted: number
  distinct: number
  duplicates: number
  lastAcceptedAt: number
  errors: string[]
}

async function seed(
  server: ServerProcess,
  pushService: ChildProcess,
  channelSlug: string,
  total: number,
  offset: number,
) {
  const { devices } = await ask<{
    devices: Array<{ endpoint: string; keys: { p256dh: string; auth: string } }>
  }>(pushService, { type: 'devices', n: offset, count: total })
  const db = new Database(path.join(server.dataDir, 'backlot.db'))
  db.pragma('busy_timeout = 5000')
  const channel = db.prepare('select id from channel where slug = ?').get(channelSlug) as { id: string }
  const now = Date.now()
  const addAccount = db.prepare(
    'insert into account (id, handle, display_name, password_hash, email, is_admin, created_at) values (?, ?, ?, null, null, 0, ?)',
  )
  const addMember = db.prepare(
    "insert into channel_member (channel_id, account_id, role, muted, notify_level, joined_at) values (?, ?, null, 0, 'all', ?)",
  )
  const addDevice = db.prepare(
    'insert into push_subscription (id, account_id, endpoint, p256dh, auth, label, expires_at, created_at, updated_at) values (?, ?, ?, ?, ?, null, null, ?, ?)',
  )
  db.transaction(() => {
    let account = ''
    devices.forEach((device, i) => {
      if (i % DEVICES_PER_MEMBER === 0) {
        account = newId()
        addAccount.run(account, `fan${offset + i}`, 'Fan', now)
        addMember.run(channel.id, account, now)
      }
      addDevice.run(newId(), account, device.endpoint, device.keys.p256dh, device.keys.auth, now, now)
    })
  })()
  db.close()
}

async function measure(total: number) {
  const pushService = fork(path.join(import.meta.dirname, 'push-service-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
  })
  await new Promise((resolve) => pushService.once('message', resolve))
  try {
    const server = await startServerProcess({
      BACKLOT_PUSH_ALLOW_LOOPBACK: 'true',
      BACKLOT_LOG_LEVEL: 'error',
      ...profileEnv(),
    })
    try {
      return await publishAndWait(server, pushService, total)
    } finally {
      await server.stop()
    }
  } finally {
    pushService.send({ type: 'stop' })
    await new Promise((r) => pushService.once('exit', r))
  }
}

async function publishAndWait(server: ServerProcess, pushService: ChildProcess, total: number) {
  const token = await setupChannel(server.url, 'bench')
  await seed(server, pushService, 'bench', total, 0)
  if (process.env.BENCH_CPU_PROF) server.child.kill('SIGUSR2') // start profiling
  const [userBefore, systemBefore] = cpuSplit(server.child.pid!)
  const serviceBefore = cpuSplit(pushService.pid!)
  const publishedAt = Date.now()
  const res = await fetch(`${server.url}/api/v1/channels/bench/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text: 'Chapter 8 is a wrap! Thank you all — see you at the premiere.' }),
  })
  if (res.status !== 201) throw new Error(`post failed: ${res.status} ${await res.text()}`)
  let stats: Stats
  for (;;) {
    stats = await ask<Stats>(pushService, { type: 'stats' })
    if (stats.accepted >= total || stats.errors.length > 0) break
    if (Date.now() - publishedAt > 600_000) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const [userAfter, systemAfter] = cpuSplit(server.child.pid!)
  const serviceAfter = cpuSplit(pushService.pid!)
  if (process.env.BENCH_CPU_PROF) {
    server.child.kill('SIGUSR2') // write the profile
    await new Promise((r) => setTimeout(r, 1000))
  }
  const cpu = userAfter - userBefore + systemAfter - systemBefore
  const seconds = (stats.lastAcceptedAt - publishedAt) / 1000
  return {
    devices: total,
    delivered: stats.accepted,
    duplicates: stats.duplicates,
    protocolErrors: stats.errors,
    secondsToLast: seconds,
    notificationsPerSecond: Math.round(stats.accepted / seconds),
    serverCpuSeconds: round(cpu),
    serverUserCpuSeconds: round(userAfter - userBefore),
    serverSystemCpuSeconds: round(systemAfter - systemBefore),
    notificationsPerCpuSecond: Math.round(stats.accepted / cpu),
    serverRssMB: Math.round(server.rss() / 1_048_576),
    /** The loopback push service's own CPU (its process, not counted above). */
    pushServiceCpuSeconds: round(serviceAfter[0] + serviceAfter[1] - serviceBefore[0] - serviceBefore[1]),
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100
}

/**
 * BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile of the fan-out there (publish to last
 * accepted message; read it with bench/lib/profile-summary.ts). See cpu-profile-hook.mjs.
 */
function profileEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF
  if (!dir) return {}
  const hook = path.join(import.meta.dirname, 'cpu-profile-hook.mjs')
  return { NODE_OPTIONS: `--import=${hook}`, BENCH_CPU_PROF_DIR: path.resolve(dir) }
}

/** User and system CPU seconds of a process (from /proc). */
function cpuSplit(pid: number): [number, number] {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return [Number(fields[11]) / 100, Number(fields[12]) / 100]
}

const encryption = isEndToEndOnly ? null : encryptionRate()
if (encryption) {
  console.log(
    `RFC 8291 encryption: ${encryption.perCpuSecond} per CPU-second (${encryption.perSecond}/s wall)`,
  )
}
const pipeline = isEndToEndOnly ? null : await pipelineRate(Math.max(...DEVICES))
if (pipeline) {
  console.log(
    `server pipeline without network, ${pipeline.devices} devices: ${pipeline.perCpuSecond} per CPU-second, ${pipeline.perSecond}/s wall`,
  )
}
const results = []
for (const total of DEVICES) results.push(await measure(total))
printTable(
  results.map((r) => ({
    devices: r.devices,
    delivered: r.delivered,
    duplicates: r.duplicates,
    'seconds to last': r.secondsToLast,
    'notifications/s': r.notificationsPerSecond,
    'server CPU s': r.serverCpuSeconds,
    'of it system': r.serverSystemCpuSeconds,
    'per CPU-second': r.notificationsPerCpuSecond,
    'push service CPU s': r.pushServiceCpuSeconds,
    'RSS MB': r.serverRssMB,
  })),
)
for (const r of results) if (r.protocolErrors.length) console.log('protocol errors:', r.protocolErrors)
console.log(
  `load average: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
if (isEndToEndOnly) process.exit(0)
writeResult('push', {
  benchmark: 'push',
  date: new Date().toISOString(),
  machine: { node: process.version, cpus: os.availableParallelism() },
  target: '≥ 3,000 notifications per second per core',
  loadAverageAtEnd: os.loadavg(),
  encryption,
  pipelineWithoutNetwork: pipeline,
  endToEnd: results,
})
