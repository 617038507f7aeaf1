// STUB — replaced by the accounts area implementation.
import type { Config } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { AccountRow } from '../db/schema.js'
import type { RateLimiter } from '../kv/rate-limiter.js'
import type { Clock } from '../util/clock.js'

export interface AccountServiceDeps {
  db: Db
  clock: Clock
  config: Config
  rateLimiter: RateLimiter
}

export interface CreateAccountInput {
  handle: string
  displayName: string
  password: string
  isAdmin?: boolean
  email?: string | null
}

export function createAccountService(_deps: AccountServiceDeps) {
  return {
    async createAccount(_input: CreateAccountInput): Promise<AccountRow> {
      throw new Error('not implemented')
    },
  }
}
export type AccountService = ReturnType<typeof createAccountService>
