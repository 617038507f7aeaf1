import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { checkPasswordNotCommon, isCommonPassword } from './common-passwords.js'

describe('common passwords (issue 14 item 9)', () => {
  it.each(['password1234', 'qwertyuiop', '1q2w3e4r5t', 'iloveyou12', 'football123'])(
    'refuses %s from the breach list',
    async (password) => {
      expect(await isCommonPassword(password)).toBe(true)
    },
  )

  it('compares case-insensitively: a capitalised listed password is still listed', async () => {
    expect(await isCommonPassword('Password1234')).toBe(true)
    expect(await isCommonPassword('QWERTYUIOP')).toBe(true)
  })

  it('lets through passwords that are not on the list', async () => {
    for (const password of [
      'correct horse battery',
      'a long passphrase',
      'Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e',
    ])
      expect(await isCommonPassword(password)).toBe(false)
  })

  it('says why in the problem it throws', async () => {
    const error = await checkPasswordNotCommon('password1234').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DomainError)
    expect(error).toMatchObject({
      reason: 'password-too-common',
      detail:
        'This password appears in lists of passwords leaked from other sites; attackers try these first. Choose another.',
      extra: {
        errors: [{ field: '/password', message: 'appears in lists of leaked passwords' }],
      },
    })
  })
})
