import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
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
    if (error instanceof DomainError) return error.reason
    throw error
  }
}

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

  it.each([
    // What the issue found accepted: the IPv4-compatible and 6to4 forms of loopback.
    ['https://[::127.0.0.1]/x', '[::7f00:1]'],
    ['https://[2002:7f00:1::]/x', '[2002:7f00:1::]'],
    ['https://[::ffff:127.0.0.1]/x', '[::ffff:7f00:1]'],
    ['https://[64:ff9b::169.254.169.254]/x', '[64:ff9b::a9fe:a9fe]'],
    ['https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x', '[2001:0:4136:e378:8000:63bf:80ff:fffe]'],
    // Other spellings of an IPv4 address: the URL parser (WHATWG) turns each into dotted decimal.
    ['https://0x7f.1/x', '127.0.0.1'],
    ['https://2130706433/x', '127.0.0.1'],
    ['https://127.1/x', '127.0.0.1'],
    ['https://0177.0.0.1/x', '127.0.0.1'],
    ['https://127.0.0.1./x', '127.0.0.1'],
    ['https://0/x', '0.0.0.0'],
    ['https://0xa9.0xfe.0xa9.0xfe/x', '169.254.169.254'],
  ])('refuses %s, which the URL parser reads as %s (issue 14 item 10)', async (endpoint, hostname) => {
    expect(new URL(endpoint).hostname).toBe(hostname)
    expect(await codeOf(checkEndpoint(endpoint, policy))).toBe('push-endpoint-private')
  })

  it('refuses a host name that resolves to an IPv6 form of a private address', async () => {
    const sneaky = { ...policy, resolve: resolver({ 'push.example': ['2002:a00:1::1', '8.8.8.8'] }) }
    expect(await codeOf(checkEndpoint('https://push.example/x', sneaky))).toBe('push-endpoint-private')
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
