import { createECDH, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../../src/config/config.js'
import { encryptPushPayload } from '../../src/push/ece.js'
import type { PushTransport } from '../../src/push/transport.js'
import { startServer } from '../../src/server.js'
import { newId } from '../../src/util/ids.js'
import { seedOwnedChannel } from '../lib/seed.js'

/** RFC 8291 encryptions per second of CPU time (fresh ECDH key per message): the crypto ceiling. */
export function encryptionRate(seconds = 2): { perCpuSecond: number; perSecond: number } {
  const ua = createECDH('prime256v1')
  ua.generateKeys()
  const auth = randomBytes(16)
  const payload = Buffer.from(JSON.stringify({ title: 'The Show — Set Diary', body: 'x'.repeat(140) }))
  for (let i = 0; i < 500; i++) encryptPushPayload(payload, ua.getPublicKey(), auth)
  const cpu = process.cpuUsage()
  const started = performance.now()
  let messages = 0
  while (performance.now() - started < seconds * 1000) {
    encryptPushPayload(payload, ua.getPublicKey(), auth)
    messages++
  }
  const used = process.cpuUsage(cpu)
  return {
    perCpuSecond: Math.round(messages / ((used.user + used.system) / 1e6)),
    perSecond: Math.round(messages / ((performance.now() - started) / 1000)),
  }
}

/**
 * The whole server-side pipeline in this process — publish, fan-out job, batch jobs, claims in
 * SQLite, payload, encryption, VAPID header, status updates — with a transport that answers 201
 * without touching the network. Separates the server's own cost from the loopback TCP stack,
 * whose receive side the kernel charges partly to the sending process.
 */
export async function pipelineRate(devices: number) {
  let accepted = 0
  const transport: PushTransport = async () => {
    accepted++
    return { status: 201, retryAfter: undefined, body: '' }
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-push-bench-'))
  const env = { BACKLOT_PORT: '0', BACKLOT_DATA_DIR: dataDir, BACKLOT_LOG_LEVEL: 'error' }
  const server = await startServer(loadConfig(env), { pushTransport: transport })
  try {
    const { ownerId } = await seedInProcess(server.ctx.db, devices)
    const cpu = process.cpuUsage()
    const started = performance.now()
    await server.ctx.posts.create(ownerId, 'bench', { text: 'Chapter 8 is a wrap! See you at the premiere.' })
    while (accepted < devices) await new Promise((r) => setTimeout(r, 20))
    const used = process.cpuUsage(cpu)
    const seconds = (performance.now() - started) / 1000
    return {
      devices,
      seconds,
      perSecond: Math.round(devices / seconds),
      perCpuSecond: Math.round(devices / ((used.user + used.system) / 1e6)),
    }
  } finally {
    await server.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function seedInProcess(db: Awaited<ReturnType<typeof startServer>>['ctx']['db'], devices: number) {
  const now = Date.now()
  const { ownerId, channelId } = await seedOwnedChannel(db, { slug: 'bench', title: 'Bench' }, now)
  const ua = createECDH('prime256v1')
  const p256dh = ua.generateKeys().toString('base64url')
  const auth = randomBytes(16).toString('base64url')
  for (let start = 0; start < devices; start += 500) {
    const accounts = []
    const members = []
    const subscriptions = []
    for (let i = start; i < Math.min(devices, start + 500); i++) {
      if (i % 5 === 0) {
        const id = newId()
        accounts.push({
          id,
          handle: `fan${i}`,
          display_name: 'Fan',
          password_hash: null,
          email: null,
          created_at: now,
        })
        members.push({ channel_id: channelId, account_id: id, role: null, joined_at: now })
      }
      const accountId = accounts.at(-1)!.id
      subscriptions.push({
        id: newId(),
        account_id: accountId,
        endpoint: `https://push.example.com/send/${i}`,
        p256dh,
        auth,
        label: null,
        expires_at: null,
        created_at: now,
        updated_at: now,
      })
    }
    await db.insertInto('account').values(accounts).execute()
    await db.insertInto('channel_member').values(members).execute()
    await db.insertInto('push_subscription').values(subscriptions).execute()
  }
  return { ownerId }
}
