import { describe, expect, it } from 'vitest'
import { deviceLabel, networkOf } from './devices.js'

describe('deviceLabel', () => {
  it('names browser and system without versions', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      ),
    ).toBe('Chrome on Android')
    expect(
      deviceLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iPhone')
    expect(deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe(
      'Firefox on Linux',
    )
  })

  it('is null for nothing recognisable', () => {
    expect(deviceLabel(undefined)).toBeNull()
    expect(deviceLabel('')).toBeNull()
    expect(deviceLabel('zz')).toBeNull()
  })
})

describe('networkOf', () => {
  it('keeps the /24 of IPv4 and the /48 of IPv6, never the address', () => {
    expect(networkOf('203.0.113.77')).toBe('203.0.113.0/24')
    expect(networkOf('::ffff:198.51.100.9')).toBe('198.51.100.0/24')
    expect(networkOf('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd::/48')
    expect(networkOf('not an address')).toBeNull()
    expect(networkOf(undefined)).toBeNull()
  })
})
