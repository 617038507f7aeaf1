import { createAccountService } from './accounts/service.js'
import type { Bus } from './bus/bus.js'
import { MemoryBus } from './bus/memory-bus.js'
import { createChannelService } from './channels/service.js'
import type { Config } from './config/config.js'
import { type DatabaseHandle, openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrator.js'
import { createHub } from './delivery/hub.js'
import { createEventLog, readStreamEpoch } from './event-log/event-log.js'
import { createRateLimiter, type RateLimiter } from './kv/rate-limiter.js'
import { createLogger, type Logger } from './logger.js'
import { createMetrics } from './metrics.js'
import { createPostService } from './posts/service.js'
import { type Clock, systemClock } from './util/clock.js'

/** Seams and test hooks a caller may supply instead of the ones built from config (STYLE rule 2). */
export interface ContextOverrides {
  bus?: Bus
  clock?: Clock
  logger?: Logger
  rateLimiter?: RateLimiter
  database?: DatabaseHandle
}

/**
 * The composition root: builds the seams from config, then the services, and returns everything a
 * route needs. Nothing else constructs seams. Disposing it closes what it opened, in order.
 */
export async function createContext(config: Config, overrides: ContextOverrides = {}) {
  const logger = overrides.logger ?? createLogger(config.logLevel)
  const clock = overrides.clock ?? systemClock
  const metrics = createMetrics()
  const database = overrides.database ?? (await openDatabase(config.database))
  await migrateToLatest(database.db)
  const db = database.db
  const bus = overrides.bus ?? new MemoryBus()
  const rateLimiter = overrides.rateLimiter ?? createRateLimiter(clock)
  const epoch = await readStreamEpoch(db)
  const eventLog = createEventLog({ db, bus, clock, epoch, metrics })
  const lifecycle = { isDraining: false }

  const accounts = createAccountService({ db, clock, config, rateLimiter })
  const channels = createChannelService({ db, clock, eventLog })
  const posts = createPostService({ db, clock, eventLog })
  const hub = createHub({
    db,
    bus,
    eventLog,
    metrics,
    config: config.stream,
    logger: logger.child({ area: 'delivery' }),
  })
  await hub.start()

  const close = async () => {
    await hub.close()
    await bus.close()
    await database.close()
  }
  return {
    config,
    logger,
    clock,
    metrics,
    db,
    dialect: database.dialect,
    bus,
    rateLimiter,
    eventLog,
    lifecycle,
    accounts,
    channels,
    posts,
    hub,
    close,
    [Symbol.asyncDispose]: close,
  }
}

export type AppContext = Awaited<ReturnType<typeof createContext>>
