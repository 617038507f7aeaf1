import { createECDH, randomBytes } from 'node:crypto'
import ece from 'http_ece'
import { describe, expect, it } from 'vitest'
import { encryptPushPayload, MAX_PLAINTEXT_BYTES } from './ece.js'

const b64 = (s: string) => Buffer.from(s, 'base64url')

/** RFC 8291 §5 and appendix A: every input fixed, so the output is known to the byte. */
const rfc = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
}

describe('encryptPushPayload (RFC 8291)', () => {
  it('encrypts the RFC 8291 appendix A example to exactly the RFC bytes', () => {
    const body = encryptPushPayload(Buffer.from(rfc.plaintext), b64(rfc.uaPublic), b64(rfc.authSecret), {
      salt: b64(rfc.salt),
      senderPrivateKey: b64(rfc.asPrivate),
    })
    expect(body.toString('base64url')).toBe(rfc.body)
  })

  it('produces messages the independent http_ece implementation decrypts', () => {
    const ua = createECDH('prime256v1')
    ua.generateKeys()
    const auth = randomBytes(16)
    const plaintext = Buffer.from(JSON.stringify({ title: 'Set diary', body: 'Week 14 — Chapter 8 🎬' }))
    const body = encryptPushPayload(plaintext, ua.getPublicKey(), auth)
    const decrypted = ece.decrypt(body, { version: 'aes128gcm', privateKey: ua, authSecret: auth })
    expect(decrypted.toString()).toBe(plaintext.toString())
  })

  it('uses a fresh key and salt for every message', () => {
    const ua = b64(rfc.uaPublic)
    const auth = b64(rfc.authSecret)
    const a = encryptPushPayload(Buffer.from('same'), ua, auth)
    const b = encryptPushPayload(Buffer.from('same'), ua, auth)
    expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false)
    expect(a.subarray(21, 86).equals(b.subarray(21, 86))).toBe(false)
  })

  it('refuses a payload that would not fit in one 4096-byte push message', () => {
    const ua = b64(rfc.uaPublic)
    const auth = b64(rfc.authSecret)
    expect(encryptPushPayload(Buffer.alloc(MAX_PLAINTEXT_BYTES), ua, auth).length).toBe(4096)
    expect(() => encryptPushPayload(Buffer.alloc(MAX_PLAINTEXT_BYTES + 1), ua, auth)).toThrow(RangeError)
  })

  it('decrypts the RFC example with the UA private key through http_ece too', () => {
    const ua = createECDH('prime256v1')
    ua.setPrivateKey(b64(rfc.uaPrivate))
    const out = ece.decrypt(b64(rfc.body), {
      version: 'aes128gcm',
      privateKey: ua,
      authSecret: rfc.authSecret,
    })
    expect(out.toString()).toBe(rfc.plaintext)
  })
})
