import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { embeddedIpv4Addresses, isPublicAddress } from './addresses.js'
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

/**
 * Issue 14 item 10: every IPv6 form that carries a refused IPv4 address is refused; the same form
 * carrying a public IPv4 address is not. Each refused row names the IPv4 address it carries.
 */
describe('isPublicAddress with IPv4 addresses inside IPv6 ones', () => {
  const refused = ['127.0.0.1', '10.0.0.1', '169.254.169.254', '192.168.1.1', '0.0.0.0', '100.64.0.1']
  const hex = (ipv4: string, invert = false) => {
    const bytes = ipv4.split('.').map((b) => Number(b) ^ (invert ? 0xff : 0))
    const word = (hi: number, lo: number) => ((hi << 8) | lo).toString(16)
    return `${word(bytes[0]!, bytes[1]!)}:${word(bytes[2]!, bytes[3]!)}`
  }
  const forms: [string, (ipv4: string) => string][] = [
    ['IPv4-mapped', (v4) => `::ffff:${v4}`],
    ['IPv4-mapped, hex', (v4) => `::ffff:${hex(v4)}`],
    ['IPv4-compatible', (v4) => `::${v4}`],
    ['IPv4-compatible, hex', (v4) => `::${hex(v4)}`],
    ['IPv4-translated', (v4) => `::ffff:0:${v4}`],
    ['NAT64', (v4) => `64:ff9b::${v4}`],
    ['6to4', (v4) => `2002:${hex(v4)}::1`],
    ['Teredo server', (v4) => `2001:0:${hex(v4)}:8000:63bf:f7f7:f7f7`],
    ['Teredo client', (v4) => `2001:0:4136:e378:8000:63bf:${hex(v4, true)}`],
  ]

  for (const [form, embed] of forms) {
    it.each(refused)(`refuses ${form} carrying %s`, (ipv4) => {
      expect(isPublicAddress(embed(ipv4))).toBe(false)
    })
    it(`accepts ${form} carrying a public address`, () => {
      expect(isPublicAddress(embed('8.8.8.8'))).toBe(true)
    })
  }

  it('finds the carried addresses the issue names', () => {
    expect(embeddedIpv4Addresses('::7f00:1')).toEqual(['127.0.0.1'])
    expect(embeddedIpv4Addresses('2002:7f00:1::')).toEqual(['127.0.0.1'])
    expect(embeddedIpv4Addresses('2001:0:4136:e378:8000:63bf:80ff:fffe')).toEqual([
      '65.54.227.120',
      '127.0.0.1',
    ])
    expect(embeddedIpv4Addresses('2a00:1450:4001:82b::200a')).toEqual([])
  })

  it.each([
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['64:ff9b:1:7f00:1::', 'local-use NAT64, another position'],
    ['100::1', 'discard'],
    ['2001:db8::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['fec0::1', 'site-local'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['ff0e::1', 'global multicast'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false)
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
