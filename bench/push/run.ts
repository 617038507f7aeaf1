import { type ChildProcess, fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { newId } from '../../src/util/ids.js'
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
 *    since the push service shares the machine's two cores.
 * Writes bench/results/push.json.
 *
 * Usage: npm run bench:push [-- D1 D2 …]   (default 10000 100000)
 */
const sizes = process.argv.slice(2).map(Number).filter(Boolean)
const DEVICES = sizes.length ? sizes : [10_000, 100_000]
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
  const server = await startServerProcess({ PUSH_ALLOW_LOOPBACK: 'true', LOG_LEVEL: 'error' })
  try {
    const token = await setupChannel(server.url, 'bench')
    await seed(server, pushService, 'bench', total, 0)
    const cpuBefore = server.cpuSeconds()
    const [userBefore, systemBefore] = cpuSplit(server)
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
    const cpu = server.cpuSeconds() - cpuBefore
    const [userAfter, systemAfter] = cpuSplit(server)
    const seconds = (stats.lastAcceptedAt - publishedAt) / 1000
    return {
      devices: total,
      delivered: stats.accepted,
      duplicates: stats.duplicates,
      protocolErrors: stats.errors,
      secondsToLast: seconds,
      notificationsPerSecond: Math.round(stats.accepted / seconds),
      serverCpuSeconds: cpu,
      serverUserCpuSeconds: userAfter - userBefore,
      serverSystemCpuSeconds: systemAfter - systemBefore,
      notificationsPerCpuSecond: Math.round(stats.accepted / cpu),
      serverRssMB: Math.round(server.rss() / 1_048_576),
    }
  } finally {
    await server.stop()
    pushService.send({ type: 'stop' })
    await new Promise((r) => pushService.once('exit', r))
  }
}

/** User and system CPU seconds of the server process (from /proc). */
function cpuSplit(server: ServerProcess): [number, number] {
  const fields = fs.readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return [Number(fields[11]) / 100, Number(fields[12]) / 100]
}

const encryption = encryptionRate()
console.log(`RFC 8291 encryption: ${encryption.perCpuSecond} per CPU-second (${encryption.perSecond}/s wall)`)
const pipeline = await pipelineRate(Math.max(...DEVICES))
console.log(
  `server pipeline without network, ${pipeline.devices} devices: ${pipeline.perCpuSecond} per CPU-second, ${pipeline.perSecond}/s wall`,
)
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
    'RSS MB': r.serverRssMB,
  })),
)
for (const r of results) if (r.protocolErrors.length) console.log('protocol errors:', r.protocolErrors)
const out = path.resolve(import.meta.dirname, '../results/push.json')
fs.mkdirSync(path.dirname(out), { recursive: true })
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      benchmark: 'push',
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: os.availableParallelism() },
      target: '≥ 3,000 notifications per second per core',
      loadAverageAtEnd: os.loadavg(),
      encryption,
      pipelineWithoutNetwork: pipeline,
      endToEnd: results,
    },
    null,
    2,
  )}\n`,
)
console.log(`wrote ${path.relative(process.cwd(), out)}`)
