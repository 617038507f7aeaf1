import { randomBytes } from 'node:crypto'
import { Migrator, sql } from 'kysely'
import type { Config } from '../config/config.js'
import { type Db, isPostgres } from '../db/database.js'
import { migrations } from '../db/migrations/index.js'
import { createLogger } from '../logger.js'
import { createMediaStore } from '../media-store/create-media-store.js'
import { contentKey } from '../media-store/media-store.js'
import { closeRedis, connectRedis, openRedis, redactUrl } from '../redis/redis-connection.js'

/** One line of `backlot doctor`: `fail` makes it exit 1; `warn` is worth a look but works. */
export interface CheckResult {
  status: 'ok' | 'warn' | 'fail'
  name: string
  detail: string
}

const ok = (name: string, detail: string): CheckResult => ({ status: 'ok', name, detail })
const warn = (name: string, detail: string): CheckResult => ({ status: 'warn', name, detail })
const fail = (name: string, detail: string): CheckResult => ({ status: 'fail', name, detail })
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Clock skew against the database above which sessions, embargoes and rate windows go wrong. */
const CLOCK_FAIL_MS = 30_000
/** Above this, worth fixing (NTP) before it grows. */
const CLOCK_WARN_MS = 2_000

/** Applied against known migrations: a database behind is fixed by `backlot migrate` (or a start). */
export async function checkMigrations(db: Db): Promise<CheckResult> {
  const schema = isPostgres(db)
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  })
  const all = await migrator.getMigrations()
  const pending = all.filter((m) => m.executedAt === undefined).map((m) => m.name)
  if (pending.length === 0) return ok('migrations', `all ${all.length} applied`)
  return fail('migrations', `${pending.length} pending (${pending.join(', ')}): run "backlot migrate"`)
}

/** The database's clock against this machine's: tokens, embargoes and rate windows use both. */
export async function checkClock(db: Db, now = Date.now()): Promise<CheckResult> {
  const dbMs = isPostgres(db)
    ? Number(
        (await sql<{ ms: string }>`select extract(epoch from clock_timestamp()) * 1000 as ms`.execute(db))
          .rows[0]?.ms,
      )
    : Number((await sql<{ jd: number }>`select julianday('now') as jd`.execute(db)).rows[0]?.jd) *
        86_400_000 -
      210_866_760_000_000
  const skew = Math.round(dbMs - now)
  const detail = `database clock ${skew >= 0 ? '+' : ''}${skew} ms from this machine's`
  if (Math.abs(skew) > CLOCK_FAIL_MS) return fail('clock', `${detail}: sync both with NTP`)
  if (Math.abs(skew) > CLOCK_WARN_MS) return warn('clock', `${detail}: check NTP`)
  return ok('clock', detail)
}

/** Where users reach the server: links, cookies and the Origin check are built from it. */
export function checkPublicUrl(config: Config): CheckResult {
  const url = config.publicUrl
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (host === '0.0.0.0' || host === '::') {
    return fail(
      'public-url',
      `${url.href} is a listening address, not one users can open: set BACKLOT_PUBLIC_URL to the address users type`,
    )
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    return fail('public-url', `${url.href} must be an origin only (no path, query or fragment)`)
  }
  const isLoopback = host === 'localhost' || host === '::1' || host.startsWith('127.')
  if (config.publicUrlIsDefault) {
    return isLoopback
      ? warn(
          'public-url',
          `not set; ${url.origin} (from BACKLOT_HOST and BACKLOT_PORT) works on this machine only`,
        )
      : warn('public-url', `not set; derived ${url.origin} from BACKLOT_HOST and BACKLOT_PORT`)
  }
  if (url.protocol === 'http:' && !isLoopback) {
    return warn('public-url', `${url.origin} is plain http: cookies are not Secure; use https in production`)
  }
  return ok('public-url', url.origin)
}

/** VAPID keys: from configuration, else a pair generated once and kept in the database. */
export async function checkVapid(db: Db, config: Config): Promise<CheckResult> {
  if (config.push.vapidPublicKey) {
    if (config.push.subjectWarning) return warn('vapid', `keys configured; ${config.push.subjectWarning}`)
    return ok('vapid', 'keys configured (BACKLOT_PUSH_VAPID_PUBLIC_KEY, BACKLOT_PUSH_VAPID_PRIVATE_KEY)')
  }
  const stored = await db
    .selectFrom('meta')
    .select('key')
    .where('key', '=', 'push_vapid_keys')
    .executeTakeFirst()
  return warn(
    'vapid',
    stored
      ? 'keys generated and kept in the database: set BACKLOT_PUSH_VAPID_* to keep push working if the database is ever rebuilt'
      : 'no keys yet: a pair is generated at first start; set BACKLOT_PUSH_VAPID_* to manage them yourself',
  )
}

/** Writes, reads back and deletes one small file in the configured media store. */
export async function checkMediaStore(config: Config): Promise<CheckResult> {
  const where =
    config.mediaStore.kind === 's3' ? `s3 bucket ${config.mediaStore.s3.bucket}` : `${config.dataDir}/media`
  try {
    const store = await createMediaStore(config)
    try {
      const bytes = randomBytes(32)
      const key = await contentKey(bytes, 'png')
      await store.put(key, bytes, 'image/png')
      const back = await store.get(key)
      await store.delete(key)
      if (!back?.equals(bytes)) return fail('media-store', `${where}: a file written could not be read back`)
      return ok('media-store', `${where} writable`)
    } finally {
      store.close?.()
    }
  } catch (error) {
    return fail('media-store', `${where}: ${reason(error)}`)
  }
}

/** Cluster mode only: every node shares the Redis bus and limits, so one that cannot reach it fails. */
export async function checkRedis(config: Config): Promise<CheckResult> {
  if (!config.redis) return ok('redis', 'not used (one node; set BACKLOT_REDIS_URL for a cluster)')
  const where = redactUrl(config.redis.url)
  const redis = openRedis(config.redis, 'doctor', createLogger('silent'), { retryStrategy: () => null })
  try {
    await connectRedis(redis, config.redis.url, 5_000)
    await redis.ping()
    return ok('redis', `${where} reachable`)
  } catch (error) {
    return fail('redis', `${where}: ${reason(error)}`)
  } finally {
    await closeRedis(redis).catch(() => {})
  }
}
