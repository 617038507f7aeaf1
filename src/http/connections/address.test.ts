import { describe, expect, it } from 'vitest'
import { addressKey, addressRanges } from './address.js'

describe('addressKey', () => {
  it('keeps IPv4 addresses, also when reported IPv4-mapped', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  it('groups IPv6 addresses by their /64, however they are written', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0db8:0001:0002:0000:0000:0000:0009')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'))
  })

  it('leaves anything else as it is', () => {
    expect(addressKey('unknown')).toBe('unknown')
    for (const odd of ['1.2.3', '256.1.1.1', '1.2.3.4.5', '1..2.3', '1.2.3.4 '])
      expect(addressKey(odd)).toBe(odd)
  })
})

describe('addressRanges', () => {
  const loopback = addressRanges(['127.0.0.0/8', '::1/128'])

  it('matches the default loopback ranges, IPv4-mapped too', () => {
    expect(loopback.has('127.0.0.1')).toBe(true)
    expect(loopback.has('127.3.4.5')).toBe(true)
    expect(loopback.has('::ffff:127.0.0.1')).toBe(true)
    expect(loopback.has('::1')).toBe(true)
    expect(loopback.has('10.0.0.1')).toBe(false)
    expect(loopback.has('2001:db8::1')).toBe(false)
  })

  it('matches configured IPv4 and IPv6 ranges exactly at their edges', () => {
    const ranges = addressRanges(['10.1.0.0/16', '192.0.2.7/32', '2001:db8:1::/48', '0.0.0.0/0'])
    expect(addressRanges(['10.1.0.0/16']).has('10.1.255.255')).toBe(true)
    expect(addressRanges(['10.1.0.0/16']).has('10.2.0.0')).toBe(false)
    expect(addressRanges(['192.0.2.7/32']).has('192.0.2.8')).toBe(false)
    expect(ranges.has('2001:db8:1:ffff::1')).toBe(true)
    expect(ranges.has('2001:db8:2::1')).toBe(false)
    expect(ranges.has('203.0.113.9')).toBe(true) // 0.0.0.0/0
  })

  it('matches nothing when empty (BACKLOT_CONNECTION_LIMIT_EXEMPT=none)', () => {
    expect(addressRanges([]).has('127.0.0.1')).toBe(false)
  })
})
