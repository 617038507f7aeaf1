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

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** Constant-shape check: a missing or malformed stored hash costs the same as a wrong password. */
  verify(stored: string | null, password: string): Promise<boolean>
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
    hash: (password) => hash(password, { type: argon2id, ...params }),
    async verify(stored, password) {
      // Awaited on both paths, so the one-off cost of making the dummy falls on whichever login
      // comes first rather than only on unknown handles.
      const dummy = await dummyHash()
      if (stored === null) {
        await safeVerify(dummy, password)
        return false
      }
      return safeVerify(stored, password)
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
