import fs from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { FileStore } from '@tus/file-store'
import { Server as TusServer } from '@tus/server'
import { afterAll, describe, expect, it } from 'vitest'
import { deleteRedisKeys, redisAdmin, testRedisSettings } from '../../test/_util/redis.js'
import { createLogger } from '../logger.js'
import { RedisUploadLocker } from './redis-upload-locker.js'

// Needs Redis (BACKLOT_TEST_REDIS_URL, default 127.0.0.1:6379): each locker below plays one node.
const logger = createLogger('silent')
const settings = testRedisSettings('upload-lock')
const opened: RedisUploadLocker[] = []

async function node(options = {}) {
  const locker = await RedisUploadLocker.connect(settings, logger, { ttlMs: 800, pollMs: 50, ...options })
  opened.push(locker)
  return locker
}

afterAll(async () => {
  for (const locker of opened) await locker.close()
  const admin = await redisAdmin()
  await deleteRedisKeys(admin, settings.prefix)
  admin.disconnect()
})

describe('RedisUploadLocker [redis]', () => {
  it('makes a second node wait until the first unlocks, and asks the holder to release', async () => {
    const [a, b] = [await node(), await node()]
    const held = a.newLock('u1')
    let releaseAsked = 0
    await held.lock(new AbortController().signal, () => {
      releaseAsked++
    })
    let bHolds = false
    const waiting = b
      .newLock('u1')
      .lock(new AbortController().signal, () => undefined)
      .then(() => {
        bHolds = true
      })
    await new Promise((r) => setTimeout(r, 300))
    expect(bHolds).toBe(false)
    // The waiter's release request reached the holder on another connection (another node).
    expect(releaseAsked).toBeGreaterThan(0)
    await held.unlock()
    await waiting
    expect(bHolds).toBe(true)
  })

  it('keeps a held lock past its TTL while renewing, and frees it after the TTL once its holder dies', async () => {
    const [a, b] = [await node(), await node({ acquireTimeoutMs: 5000 })]
    await a.newLock('u2').lock(new AbortController().signal, () => undefined)
    await new Promise((r) => setTimeout(r, 1200)) // past the 800 ms TTL: renewals kept it
    expect(await b.redis.get(`${settings.prefix}upload-lock:u2`)).not.toBeNull()
    a.redis.disconnect() // the holder dies: no more renewals, no unlock
    // Resolves (rather than throwing tus's lock timeout) only because the dead holder's TTL ran out.
    await b.newLock('u2').lock(new AbortController().signal, () => undefined)
  })

  it('answers tus lock timeout when the holder never lets go', async () => {
    const [a, b] = [await node(), await node({ acquireTimeoutMs: 300 })]
    await a.newLock('u3').lock(new AbortController().signal, () => undefined)
    await expect(b.newLock('u3').lock(new AbortController().signal, () => undefined)).rejects.toMatchObject({
      body: 'failed to acquire lock before timeout',
    })
  })

  it('serialises PATCHes for one upload on two tus servers, and the bytes stay correct', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tus-lock-'))
    const datastore = new FileStore({ directory: dir })
    const servers = await Promise.all(
      [await node(), await node()].map(async (locker) => {
        const tus = new TusServer({ path: '/files', datastore, locker })
        const server = http.createServer((req, res) => void tus.handle(req, res))
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
        return server
      }),
    )
    const [urlA, urlB] = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`)
    const payload = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => i % 251))
    const half = payload.length / 2
    try {
      const created = await fetch(`${urlA}/files`, {
        method: 'POST',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(payload.length) },
      })
      expect(created.status).toBe(201)
      const uploadPath = new URL(created.headers.get('location')!, urlA).pathname

      // Node A receives half the bytes on a connection that then hangs (a dropped phone link).
      const patchA = http.request(`${urlA}${uploadPath}`, {
        method: 'PATCH',
        headers: {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': '0',
          'Content-Type': 'application/offset+octet-stream',
          'Content-Length': String(payload.length),
        },
      })
      patchA.on('error', () => undefined)
      const answeredA = new Promise<number>((r) => patchA.on('response', (res) => r(res.statusCode ?? 0)))
      patchA.write(payload.subarray(0, half))
      await new Promise((r) => setTimeout(r, 300))

      // The client retries on node B from offset 0: B waits for A's lock, A gives way, and B is
      // told the true offset (409) instead of writing over A's bytes.
      const retryB = await fetch(`${urlB}${uploadPath}`, {
        method: 'PATCH',
        headers: {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': '0',
          'Content-Type': 'application/offset+octet-stream',
        },
        body: payload,
      })
      expect(retryB.status).toBe(409)
      // Node A was asked (through Redis) to give way, and answered its hanging request; with
      // per-process locks it would hold the upload until the connection timed out.
      expect(await answeredA).toBe(204)
      patchA.destroy()

      // Resume where the server says, on node B, and finish.
      const head = await fetch(`${urlB}${uploadPath}`, {
        method: 'HEAD',
        headers: { 'Tus-Resumable': '1.0.0' },
      })
      const offset = Number(head.headers.get('upload-offset'))
      if (offset < payload.length) {
        const rest = await fetch(`${urlB}${uploadPath}`, {
          method: 'PATCH',
          headers: {
            'Tus-Resumable': '1.0.0',
            'Upload-Offset': String(offset),
            'Content-Type': 'application/offset+octet-stream',
          },
          body: payload.subarray(offset),
        })
        expect(rest.status).toBe(204)
      }
      const stored = await fs.readFile(path.join(dir, path.basename(uploadPath)))
      expect(stored.equals(payload)).toBe(true)
    } finally {
      for (const server of servers) {
        server.closeAllConnections()
        server.close()
      }
      await fs.rm(dir, { recursive: true, force: true })
    }
  })
})
