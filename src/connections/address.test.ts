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

  it('matches nothing when empty (CONNECTION_LIMIT_EXEMPT=none)', () => {
    expect(addressRanges([]).has('127.0.0.1')).toBe(false)
  })
})
