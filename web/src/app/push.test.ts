// @vitest-environment happy-dom
import { createECDH } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  type BrowserFacts,
  base64UrlToBytes,
  deviceState,
  isSameKey,
  type PushDevice,
  unsupportedReason,
} from './push.js'
import { deviceLabel, unblockHelp } from './push-help.js'

const UA = {
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  chromeLinux:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  firefoxMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  samsung:
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
}

describe('VAPID key conversion', () => {
  it('turns the server’s base64url key into the raw 65-byte point, as PushManager wants', () => {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const raw = ecdh.getPublicKey()
    const bytes = base64UrlToBytes(raw.toString('base64url'))
    expect(bytes).toHaveLength(65)
    expect(Buffer.from(bytes).equals(raw)).toBe(true)
    // Padded standard base64 (some operators paste keys that way) gives the same bytes.
    expect(Buffer.from(base64UrlToBytes(raw.toString('base64'))).equals(raw)).toBe(true)
  })

  it('decodes every length and the characters base64url uses instead of + and /', () => {
    for (let n = 0; n < 8; n++) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => 250 - i * 3))
      expect(Buffer.from(base64UrlToBytes(data.toString('base64url'))).equals(data), `${n} bytes`).toBe(true)
    }
    expect([...base64UrlToBytes('-_8')]).toEqual([0xfb, 0xff])
  })

  it('refuses text that is not base64url with a sentence for the user', () => {
    expect(() => base64UrlToBytes('not a key!')).toThrow(/not valid base64url/)
    expect(() => base64UrlToBytes('abcde')).toThrow(/not valid base64url/)
  })

  it('tells whether an existing subscription was made with the current key', () => {
    const key = Uint8Array.from([4, 1, 2, 3])
    expect(isSameKey(Uint8Array.from([4, 1, 2, 3]).buffer, key)).toBe(true)
    expect(isSameKey(Uint8Array.from([4, 1, 2, 9]).buffer, key)).toBe(false)
    expect(isSameKey(Uint8Array.from([4, 1, 2]).buffer, key)).toBe(false)
    expect(isSameKey(null, key)).toBe(false)
  })
})

describe('push support', () => {
  const full: BrowserFacts = {
    isSecureContext: true,
    hasServiceWorker: true,
    hasPushManager: true,
    hasNotification: true,
    userAgent: UA.chromeAndroid,
    isStandalone: false,
  }

  it('is there in a current browser on a secure origin', () => {
    expect(unsupportedReason(full)).toBeNull()
    expect(unsupportedReason({ ...full, userAgent: UA.safariMac })).toBeNull()
  })

  it('needs a secure context and the three APIs', () => {
    expect(unsupportedReason({ ...full, isSecureContext: false })).toBe('insecure')
    expect(unsupportedReason({ ...full, hasPushManager: false })).toBe('no-push')
    expect(unsupportedReason({ ...full, hasNotification: false })).toBe('no-push')
  })

  it('on iPhone, asks for the Home Screen app first', () => {
    const iphone = { ...full, userAgent: UA.safariIphone }
    expect(unsupportedReason({ ...iphone, hasPushManager: false })).toBe('ios-home-screen')
    expect(unsupportedReason(iphone)).toBe('ios-home-screen')
    expect(unsupportedReason({ ...iphone, isStandalone: true })).toBeNull()
  })
})

describe('device state', () => {
  const device: PushDevice = {
    id: 'd1',
    endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
    label: 'Chrome on Android',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    expiresAt: null,
  }
  const base = {
    unsupported: null,
    permission: 'granted' as const,
    endpoint: device.endpoint,
    devices: [device],
  }

  it('is on only when the server has this browser’s subscription', () => {
    expect(deviceState(base)).toEqual({ kind: 'on', device })
    expect(deviceState({ ...base, devices: [] })).toEqual({ kind: 'off' })
    expect(deviceState({ ...base, endpoint: null })).toEqual({ kind: 'off' })
    expect(deviceState({ ...base, endpoint: 'https://other.example/push' })).toEqual({ kind: 'off' })
  })

  it('is off before the browser asked, and blocked once refused, even with a stored device', () => {
    expect(deviceState({ ...base, permission: 'default', endpoint: null })).toEqual({ kind: 'off' })
    expect(deviceState({ ...base, permission: 'denied' })).toEqual({ kind: 'blocked' })
  })

  it('says why when the browser cannot do push at all', () => {
    expect(deviceState({ ...base, unsupported: 'insecure' })).toEqual({
      kind: 'unsupported',
      reason: 'insecure',
    })
  })
})

describe('browser words', () => {
  it('names devices by browser and system', () => {
    expect(deviceLabel(UA.chromeAndroid)).toBe('Chrome on Android')
    expect(deviceLabel(UA.chromeLinux)).toBe('Chrome on Linux')
    expect(deviceLabel(UA.edgeWindows)).toBe('Edge on Windows')
    expect(deviceLabel(UA.firefoxMac)).toBe('Firefox on macOS')
    expect(deviceLabel(UA.safariMac)).toBe('Safari on macOS')
    expect(deviceLabel(UA.safariIphone)).toBe('Safari on iPhone')
    expect(deviceLabel(UA.samsung)).toBe('Samsung Internet on Android')
    expect(deviceLabel('curl/8.0')).toBe('This browser')
  })

  it('explains how to unblock in the browser’s own settings', () => {
    expect(unblockHelp(UA.safariIphone)).toMatch(/Settings app → Notifications/)
    expect(unblockHelp(UA.firefoxMac)).toMatch(/Blocked/)
    expect(unblockHelp(UA.safariMac)).toMatch(/Safari → Settings → Websites → Notifications/)
    expect(unblockHelp(UA.chromeAndroid)).toMatch(/Permissions → Notifications → Allow/)
    expect(unblockHelp(UA.edgeWindows)).toMatch(/site information icon/)
  })
})
