import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { DatabaseConfig } from '../../src/config/config.js'

/**
 * The databases every store and integration test runs on. Both by default; `BACKLOT_TEST_DATABASES`
 * narrows it for a quick local loop (CI always runs both). PostgreSQL tests need a server at
 * `BACKLOT_TEST_PG_URL` (default postgres://postgres@127.0.0.1:5432/test, trust auth).
 */
export type DbKind = 'sqlite' | 'postgres'

export const testDatabases: DbKind[] = (process.env.BACKLOT_TEST_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DbKind => s === 'sqlite' || s === 'postgres')

export const pgTestUrl = process.env.BACKLOT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestDatabase {
  config: DatabaseConfig
  dataDir: string
  /** Removes the SQLite folder or drops the PostgreSQL schema. */
  drop(): Promise<void>
}

/** A fresh, empty database for one test file (or one server): its own SQLite file or PostgreSQL schema. */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-test-'))
  if (kind === 'sqlite') {
    return {
      config: { kind, location: path.join(dataDir, 'backlot.db'), schema: 'public' },
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    }
  }
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  return {
    config: { kind, location: pgTestUrl, schema },
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: pgTestUrl })
      await client.connect()
      try {
        await client.query(`drop schema if exists "${schema}" cascade`)
      } finally {
        await client.end()
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
