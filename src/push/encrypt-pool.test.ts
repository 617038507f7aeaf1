import { createECDH, randomBytes } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import ece from 'http_ece'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../logger.js'
import { createEncryptPool } from './encrypt-pool.js'

/** The pool's bodies are RFC 8291 messages the independent http_ece decrypts, thread or not. */
describe.each([0, 2])('createEncryptPool (%i threads)', (threads) => {
  const pool = createEncryptPool({ threads, logger: createLogger('silent') })
  afterAll(() => pool.close())

  const devices = Array.from({ length: 3 }, () => {
    const ecdh = createECDH('prime256v1')
    const auth = randomBytes(16)
    return {
      ecdh,
      auth,
      keys: { p256dh: ecdh.generateKeys().toString('base64url'), auth: auth.toString('base64url') },
    }
  })
  const payload = Buffer.from(JSON.stringify({ title: 'Set diary', body: 'Chapter 8 is a wrap 🎬' }))

  it('encrypts for every device in order, with a fresh key and salt each time', async () => {
    const chunks = await Promise.all(
      [1, 2, 3].map(() =>
        pool.encrypt(
          payload,
          devices.map((d) => d.keys),
        ),
      ),
    )
    const headers = new Set<string>()
    for (const bodies of chunks) {
      bodies.forEach((body, i) => {
        if (body instanceof Error) throw body
        const plain = ece.decrypt(body, {
          version: 'aes128gcm',
          privateKey: devices[i]!.ecdh,
          authSecret: devices[i]!.auth,
        })
        expect(plain.toString()).toBe(payload.toString())
        headers.add(body.subarray(0, 86).toString('hex')) // salt + sender key
      })
    }
    expect(headers.size).toBe(9)
  })

  it('answers an error in place of a device whose keys cannot be used', async () => {
    const bad = { p256dh: Buffer.alloc(65, 7).toString('base64url'), auth: devices[0]!.keys.auth }
    const bodies = await pool.encrypt(payload, [devices[0]!.keys, bad, devices[1]!.keys])
    expect(bodies.map((b) => b instanceof Error)).toEqual([false, true, false])
    expect(await pool.encrypt(payload, [])).toEqual([])
  })

  it('refuses work once closed', async () => {
    const other = createEncryptPool({ threads, logger: createLogger('silent') })
    await other.encrypt(payload, [devices[0]!.keys])
    await other.close()
    await expect(other.encrypt(payload, [devices[0]!.keys])).rejects.toThrow(/closed/)
  })
})

describe('createEncryptPool when its worker fails', () => {
  const ecdh = createECDH('prime256v1')
  const auth = randomBytes(16)
  const keys = { p256dh: ecdh.generateKeys().toString('base64url'), auth: auth.toString('base64url') }
  const payload = Buffer.from('{"title":"Wrap"}')
  const decrypt = (body: Buffer | Error) => {
    if (body instanceof Error) throw body
    return ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString()
  }

  it.each([
    ['cannot start', 'throw new Error("no worker here")'],
    [
      'dies holding a chunk',
      'require("node:worker_threads").parentPort.once("message", () => process.exit(3))',
    ],
  ])('encrypts inline when the worker %s, and stops starting workers', async (_, code) => {
    let spawned = 0
    const pool = createEncryptPool({
      threads: 1,
      logger: createLogger('silent'),
      spawn: () => {
        spawned++
        return new Worker(code, { eval: true })
      },
    })
    const [first, second] = await Promise.all([pool.encrypt(payload, [keys]), pool.encrypt(payload, [keys])])
    expect(decrypt(first![0]!)).toBe(payload.toString())
    expect(decrypt(second![0]!)).toBe(payload.toString())
    expect(decrypt((await pool.encrypt(payload, [keys]))[0]!)).toBe(payload.toString())
    expect(spawned).toBe(1)
    await pool.close()
  })
})
