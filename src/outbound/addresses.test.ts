import { describe, expect, it } from 'vitest'
import { embeddedIpv4Addresses, isPublicAddress } from './addresses.js'

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
