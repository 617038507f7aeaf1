import { fail } from '../errors.js'
import { normalizePassword } from './passwords.js'
import { PASSWORD_MIN } from './validation.js'

/**
 * Refuses the passwords attackers try first (issue 14 item 9; NIST SP 800-63B §3.1.1.2 asks for a
 * check against passwords "obtained from previous breach corpuses").
 *
 * The list: `@zxcvbn-ts/language-common`'s `passwords-common`, about 49,000 passwords ranked by how
 * often they appear in the ten-million-password breach compilation published by Mark Burnett (the
 * list zxcvbn was built on). Chosen because it is maintained (zxcvbn-ts, monthly downloads in the
 * millions), MIT-licensed (fits AGPL), ships as data inside an npm package (nothing fetched at run
 * time) and needs no other part of zxcvbn. Only the entries at least PASSWORD_MIN long can matter;
 * the shorter ones are refused by the length rule already.
 *
 * Compared case-insensitively, after NFC: the list is stored lower-cased, and cracking rules try a
 * capitalised "Password1234" right after "password1234", so case does not make a listed one safe.
 * @NOTE The list leaves out passwords zxcvbn's pattern rules catch (a repeated character,
 * "0000000000"); this check is only the list.
 */
let common: Promise<ReadonlySet<string>> | undefined

async function commonPasswords(): Promise<ReadonlySet<string>> {
  // Loaded on first use: decompressing the list takes ~70 ms, which only account creation needs.
  common ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) =>
      new Set(dictionary['passwords-common'].filter((entry) => [...entry].length >= PASSWORD_MIN)),
  )
  return common
}

export async function isCommonPassword(password: string): Promise<boolean> {
  return (await commonPasswords()).has(normalizePassword(password).toLowerCase())
}

/** Throws `password-too-common` (422) for a password on the list, saying why. */
export async function checkPasswordNotCommon(password: string): Promise<void> {
  if (!(await isCommonPassword(password))) return
  fail(
    'password-too-common',
    'This password appears in lists of passwords leaked from other sites; attackers try these first. Choose another.',
    { errors: [{ field: '/password', message: 'appears in lists of leaked passwords' }] },
  )
}
