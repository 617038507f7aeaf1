import { randomBytes } from 'node:crypto'
import { argon2id, hash, needsRehash, verify } from 'argon2'
import type { Config } from '../config/config.js'

export type Argon2Profile = Config['argon2Profile']

interface Argon2Params {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/**
 * argon2id cost profiles. `owasp` is the OWASP Password Storage Cheat Sheet's first recommended
 * setting (m=19 MiB, t=2, p=1). `fast` only exists so test suites do not spend seconds hashing; a
 * server started with it is not fit for real passwords.
 */
export const argon2Profiles: Record<Argon2Profile, Argon2Params> = {
  owasp: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
  fast: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
}

/**
 * The form a password is hashed and checked in: Unicode NFC (issue 14 item 9). The same "é" typed
 * on two keyboards may arrive as one code point or as "e" plus a combining accent; both must open
 * the same account. NFC rather than NFKC: compatibility folding would merge characters a user
 * chose on purpose (RFC 8265's OpaqueString profile also keeps them apart).
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC')
}

export interface PasswordCheck {
  isValid: boolean
  /**
   * True when the stored hash was made from the password as typed, not its NFC form (set before
   * passwords were normalised): the caller should store a fresh hash while it holds the password.
   */
  isUnnormalized: boolean
}

export interface PasswordHasher {
  /** Hashes the NFC form of the password. */
  hash(password: string): Promise<string>
  /**
   * Checks the NFC form, then (only when it differs) the password as typed, so hashes made before
   * normalisation still match. Constant-shape: a missing or malformed stored hash costs the same
   * as a wrong password.
   */
  verify(stored: string | null, password: string): Promise<PasswordCheck>
  /** True when the stored hash was made with other parameters than the current profile. */
  isOutdated(stored: string): boolean
}

export function createPasswordHasher(profile: Argon2Profile): PasswordHasher {
  const params = argon2Profiles[profile]
  // A hash of a random password with the same parameters: checking against it when the account does
  // not exist (or has no password) takes as long as a real check, so timing does not reveal handles.
  let dummy: Promise<string> | undefined
  const dummyHash = () => {
    dummy ??= hash(randomBytes(32).toString('base64url'), { type: argon2id, ...params })
    return dummy
  }

  return {
    hash: (password) => hash(normalizePassword(password), { type: argon2id, ...params }),
    async verify(stored, password) {
      // Awaited on both paths, so the one-off cost of making the dummy falls on whichever login
      // comes first rather than only on unknown handles.
      const dummy = await dummyHash()
      const normalized = normalizePassword(password)
      if (stored === null) {
        await safeVerify(dummy, normalized)
        return { isValid: false, isUnnormalized: false }
      }
      if (await safeVerify(stored, normalized)) return { isValid: true, isUnnormalized: false }
      if (normalized === password) return { isValid: false, isUnnormalized: false }
      const isLegacyMatch = await safeVerify(stored, password)
      return { isValid: isLegacyMatch, isUnnormalized: isLegacyMatch }
    },
    isOutdated(stored) {
      try {
        return needsRehash(stored, params)
      } catch {
        return true
      }
    },
  }
}

async function safeVerify(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password)
  } catch {
    // A stored value that is not a PHC string never matches.
    return false
  }
}
