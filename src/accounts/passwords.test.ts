import * as argon2 from 'argon2'
import { describe, expect, it } from 'vitest'
import { argon2Profiles, createPasswordHasher } from './passwords.js'

describe('password hashing', () => {
  const fast = createPasswordHasher('fast')

  it('hashes with argon2id and verifies only the right password', async () => {
    const stored = await fast.hash('correct horse battery')
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
    expect((await fast.verify(stored, 'correct horse battery')).isValid).toBe(true)
    expect((await fast.verify(stored, 'correct horse batterY')).isValid).toBe(false)
  })

  it('treats a missing or malformed stored hash as a wrong password', async () => {
    expect((await fast.verify(null, 'anything at all')).isValid).toBe(false)
    expect((await fast.verify('not-a-phc-string', 'anything at all')).isValid).toBe(false)
  })

  it('uses the OWASP parameters in the owasp profile and spots hashes made with others', async () => {
    const owasp = createPasswordHasher('owasp')
    const stored = await owasp.hash('correct horse battery')
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(owasp.isOutdated(stored)).toBe(false)
    expect(owasp.isOutdated(await fast.hash('correct horse battery'))).toBe(true)
  })
})

describe('password normalisation (issue 14 item 9)', () => {
  const fast = createPasswordHasher('fast')
  // "Café crème brûlée" typed as precomposed characters (NFC) and as letters + combining accents (NFD).
  const composed = 'Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e'
  const decomposed = composed.normalize('NFD')

  it('accepts a password set in one Unicode form when it is typed in the other', async () => {
    expect(decomposed).not.toBe(composed)
    expect(await fast.verify(await fast.hash(decomposed), composed)).toEqual({
      isValid: true,
      isUnnormalized: false,
    })
    expect(await fast.verify(await fast.hash(composed), decomposed)).toEqual({
      isValid: true,
      isUnnormalized: false,
    })
    expect((await fast.verify(await fast.hash(composed), 'Cafe creme brulee')).isValid).toBe(false)
  })

  it('still accepts a hash made from the unnormalised password before this change, and asks to renew it', async () => {
    const legacy = await argon2.hash(decomposed, { type: argon2.argon2id, ...argon2Profiles.fast })
    expect(await fast.verify(legacy, decomposed)).toEqual({ isValid: true, isUnnormalized: true })
    expect((await fast.verify(legacy, 'something else')).isValid).toBe(false)
  })

  it('keeps compatibility characters apart (NFC, not NFKC)', async () => {
    const stored = await fast.hash('\ufb01ne password 1') // "ﬁ" ligature
    expect((await fast.verify(stored, 'fine password 1')).isValid).toBe(false)
  })
})
