import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify'
import type { Db } from '../../db/database.js'
import type { Clock } from '../../util/clock.js'

/**
 * Fedify's KvStore on Backlot's database (SQLite or PostgreSQL), so its caches, inbox idempotence
 * records and signature-spec memory are shared by every node and survive a restart.
 *
 * Keys are stored as URI-encoded segments joined by `/` (`encodeURIComponent` escapes `/`), which
 * keeps them ASCII: a prefix list is then `key = prefix OR substr(key, 1, n) = prefix + '/'` on
 * both dialects, with no LIKE (case-insensitive in SQLite) and no collation (PostgreSQL's locale
 * order) involved. Values are JSON with object keys sorted, so two equal values have equal text and
 * compare-and-swap is one conditional UPDATE. Expired entries read as absent at once and are
 * deleted by `sweepExpired` (a repeated job: see jobs.ts).
 */
export class DatabaseKvStore implements KvStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = await this.db
      .selectFrom('federation_kv')
      .select(['value', 'expires_at'])
      .where('key', '=', encodeKey(key))
      .executeTakeFirst()
    if (!row || isExpired(row.expires_at, this.clock.now())) return undefined
    return JSON.parse(row.value) as T
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const row = { key: encodeKey(key), value: canonicalJson(value), expires_at: this.expiresAt(options) }
    await this.db
      .insertInto('federation_kv')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, expires_at: row.expires_at }))
      .execute()
  }

  async delete(key: KvKey): Promise<void> {
    await this.db.deleteFrom('federation_kv').where('key', '=', encodeKey(key)).execute()
  }

  /**
   * Sets `newValue` only if the key holds `expectedValue` now (`undefined`: absent or expired).
   * One statement each way, so two nodes racing on a key cannot both win.
   */
  async cas(
    key: KvKey,
    expectedValue: unknown,
    newValue: unknown,
    options?: KvStoreSetOptions,
  ): Promise<boolean> {
    const now = this.clock.now()
    const row = { key: encodeKey(key), value: canonicalJson(newValue), expires_at: this.expiresAt(options) }
    if (expectedValue === undefined) {
      // Insert, or take over an expired row; a live row stays as it is.
      const result = await this.db
        .insertInto('federation_kv')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ value: row.value, expires_at: row.expires_at })
            .where('federation_kv.expires_at', 'is not', null)
            .where('federation_kv.expires_at', '<=', now),
        )
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
    }
    const result = await this.db
      .updateTable('federation_kv')
      .set({ value: row.value, expires_at: row.expires_at })
      .where('key', '=', row.key)
      .where('value', '=', canonicalJson(expectedValue))
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = this.clock.now()
    let query = this.db
      .selectFrom('federation_kv')
      .select(['key', 'value'])
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    if (prefix !== undefined && prefix.length > 0) {
      const exact = encodeKey(prefix)
      const under = `${exact}/`
      query = query.where((eb) =>
        eb.or([
          eb('key', '=', exact),
          eb(eb.fn('substr', ['key', eb.val(1), eb.val(under.length)]), '=', under),
        ]),
      )
    }
    // Pages by key, so a large prefix is not loaded into memory at once.
    let after: string | null = null
    for (;;) {
      const page: { key: string; value: string }[] = await (after === null
        ? query
        : query.where('key', '>', after)
      )
        .orderBy('key')
        .limit(LIST_PAGE)
        .execute()
      for (const row of page) yield { key: decodeKey(row.key), value: JSON.parse(row.value) }
      if (page.length < LIST_PAGE) return
      after = page[page.length - 1]!.key
    }
  }

  /** Deletes expired entries; returns how many. */
  async sweepExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('federation_kv')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', this.clock.now())
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  private expiresAt(options: KvStoreSetOptions | undefined): number | null {
    if (!options?.ttl) return null
    return this.clock.now() + Math.max(0, Math.round(options.ttl.total({ unit: 'millisecond' })))
  }
}

const LIST_PAGE = 500

function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt <= now
}

export function encodeKey(key: KvKey): string {
  return key.map((segment) => encodeURIComponent(segment)).join('/')
}

function decodeKey(stored: string): KvKey {
  return stored.split('/').map((segment) => decodeURIComponent(segment)) as unknown as KvKey
}

/** JSON with object keys sorted at every depth: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
    const sorted: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
    return sorted
  })
}
