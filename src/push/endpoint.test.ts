import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { isPublicAddress } from './addresses.js'
import { checkEndpoint, checkSubscriptionKeys } from './endpoint.js'

const resolver =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<string[]> => {
    const found = table[host]
    if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
    return found
  }

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise
    return null
  } catch (error) {
    if (error instanceof DomainError) return error.code
    throw error
  }
}

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['142.250.74.10', true],
    ['2a00:1450:4001:82b::200a', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.20.1.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::a00:1', false],
    ['not-an-ip', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected)
  })
})

describe('checkEndpoint', () => {
  const policy = {
    allowLoopback: false,
    resolve: resolver({
      'fcm.googleapis.com': ['142.250.74.10', '2a00:1450:4001:82b::200a'],
      'rebind.example': ['8.8.8.8', '10.0.0.7'],
      'internal.example': ['192.168.0.10'],
      localhost: ['127.0.0.1', '::1'],
    }),
  }

  it('accepts an https endpoint on a host that resolves to public addresses', async () => {
    const url = await checkEndpoint('https://fcm.googleapis.com/fcm/send/abc:def', policy)
    expect(url.hostname).toBe('fcm.googleapis.com')
  })

  it.each([
    ['https://internal.example/push', 'push-endpoint-private'],
    ['https://rebind.example/push', 'push-endpoint-private'],
    ['https://localhost/push', 'push-endpoint-private'],
    ['https://127.0.0.1/push', 'push-endpoint-private'],
    ['https://[::1]/push', 'push-endpoint-private'],
    ['https://nowhere.example/push', 'push-endpoint-invalid'],
    ['http://fcm.googleapis.com/push', 'push-endpoint-invalid'],
    ['ftp://fcm.googleapis.com/push', 'push-endpoint-invalid'],
    ['fcm.googleapis.com/push', 'push-endpoint-invalid'],
  ])('refuses %s (%s)', async (endpoint, code) => {
    expect(await codeOf(checkEndpoint(endpoint, policy))).toBe(code)
  })

  it('accepts loopback, over http too, only with the test setting', async () => {
    const loose = { ...policy, allowLoopback: true }
    expect(await codeOf(checkEndpoint('http://127.0.0.1:9000/push/1', loose))).toBeNull()
    expect(await codeOf(checkEndpoint('https://localhost/push', loose))).toBeNull()
    expect(await codeOf(checkEndpoint('https://internal.example/push', loose))).toBe('push-endpoint-private')
    expect(await codeOf(checkEndpoint('http://internal.example/push', loose))).toBe('push-endpoint-invalid')
  })
})

describe('checkSubscriptionKeys', () => {
  const p256dh = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4'
  it('returns canonical unpadded base64url, accepting padding and the standard alphabet', () => {
    const auth = Buffer.from('BTBZMqHH6r4Tts7J_aSIgg', 'base64url')
    const keys = checkSubscriptionKeys({ p256dh: `${p256dh}=`, auth: auth.toString('base64') })
    expect(keys).toEqual({ p256dh, auth: 'BTBZMqHH6r4Tts7J_aSIgg' })
  })
})
