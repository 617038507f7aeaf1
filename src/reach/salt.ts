import { randomBytes } from 'node:crypto'
import type { Db } from '../db/database.js'

/**
 * The day's random salt for visitor hashes. It lives in the database, not in a node's memory, so that
 * every node of a cluster hashes a visitor the same way and the visitor counts once however requests
 * are spread; the first node to need it on a day creates it (insert-if-absent, then read back what
 * won). The roll-up deletes it once the day is over (ReachService.rollUp), after which no hash of
 * that day can be linked to an address any more.
 */
export class DailySalts {
  #day = -1
  #salt: Promise<Buffer> | null = null
  #ready: Buffer | null = null

  constructor(private readonly db: Db) {}

  /** The salt of `day` if this node already has it (the common case: no await on the hot path). */
  ready(day: number): Buffer | null {
    return day === this.#day ? this.#ready : null
  }

  /** The salt of `day`, from the database (created there if no node has yet). */
  forDay(day: number): Promise<Buffer> {
    if (day !== this.#day || this.#salt === null) {
      this.#day = day
      this.#ready = null
      const loading = this.#load(day)
      this.#salt = loading
      loading.then(
        (salt) => {
          if (this.#salt === loading) this.#ready = salt
        },
        () => {
          // Try again on the next request rather than keep a failed load for the whole day.
          if (this.#salt === loading) this.#salt = null
        },
      )
    }
    return this.#salt
  }

  async #load(day: number): Promise<Buffer> {
    await this.db
      .insertInto('reach_salt')
      .values({ day, salt: randomBytes(32).toString('hex') })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute()
    const row = await this.db
      .selectFrom('reach_salt')
      .select('salt')
      .where('day', '=', day)
      .executeTakeFirstOrThrow()
    return Buffer.from(row.salt, 'hex')
  }
}
