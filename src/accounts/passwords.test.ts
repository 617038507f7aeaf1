import { describe, expect, it } from 'vitest'
import { createPasswordHasher } from './passwords.js'

describe('password hashing', () => {
  const fast = createPasswordHasher('fast')

  it('hashes with argon2id and verifies only the right password', async () => {
    const stored = await fast.hash('correct horse battery')
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
    expect(await fast.verify(stored, 'correct horse battery')).toBe(true)
    expect(await fast.verify(stored, 'correct horse batterY')).toBe(false)
  })

  it('treats a missing or malformed stored hash as a wrong password', async () => {
    expect(await fast.verify(null, 'anything at all')).toBe(false)
    expect(await fast.verify('not-a-phc-string', 'anything at all')).toBe(false)
  })

  it('uses the OWASP parameters in the owasp profile and spots hashes made with others', async () => {
    const owasp = createPasswordHasher('owasp')
    const stored = await owasp.hash('correct horse battery')
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(owasp.isOutdated(stored)).toBe(false)
    expect(owasp.isOutdated(await fast.hash('correct horse battery'))).toBe(true)
  })
})
