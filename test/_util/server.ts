import { type Config, loadConfig } from '../../src/config/config.js'
import type { ContextOverrides } from '../../src/context.js'
import { type BacklotServer, startServer } from '../../src/server.js'
import { createTestDatabase, type DbKind, type TestDatabase } from './db.js'

export interface TestServer extends BacklotServer {
  database: TestDatabase
  kind: DbKind
  /** Stops the server (if still running) and drops its database. */
  destroy(): Promise<void>
}

/** Loopback, which production never exempts from rate limits (the default BACKLOT_RATE_LIMIT_EXEMPT is empty). */
const LOOPBACK = '127.0.0.0/8,::1'

/**
 * Starts the real server on a random port with a fresh database and cheap password hashing.
 * `env` adds configuration variables as a user would set them.
 */
export async function startTestServer(
  kind: DbKind,
  options: { env?: Record<string, string>; overrides?: ContextOverrides; database?: TestDatabase } = {},
): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(kind))
  const config = testConfig(database, options.env)
  const server = await startServer(config, options.overrides)
  return {
    ...server,
    database,
    kind,
    destroy: async () => {
      await server.close()
      if (!options.database) await database.drop()
    },
  }
}

export function testConfig(database: TestDatabase, env: Record<string, string> = {}): Config {
  const config = loadConfig({
    BACKLOT_HOST: '127.0.0.1',
    BACKLOT_PORT: '0',
    BACKLOT_DATA_DIR: database.dataDir,
    BACKLOT_LOG_LEVEL: process.env.BACKLOT_TEST_LOG_LEVEL ?? 'silent',
    BACKLOT_ARGON2: 'fast',
    // Every client of a test is this machine: tests that exercise rate limits set BACKLOT_RATE_LIMIT_EXEMPT
    // to '' (and usually BACKLOT_TRUST_PROXY with X-Forwarded-For to be several addresses).
    BACKLOT_RATE_LIMIT_EXEMPT: LOOPBACK,
    ...env,
  })
  return { ...config, database: database.config }
}
