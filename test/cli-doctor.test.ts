import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backlotArgs } from './_util/backlot-command.js'
import { createTestDatabase, type TestDatabase, testDatabases } from './_util/db.js'
import { freePort } from './_util/node-process.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')
const CHECKS = ['config', 'database', 'migrations', 'vapid', 'clock', 'redis', 'media-store', 'public-url']

// Issue 22, point 6: `backlot doctor` checks a deployment, one line per check, exit 1 on a failure.
describe.each(testDatabases)('backlot doctor on %s', (kind) => {
  let database: TestDatabase
  beforeEach(async () => {
    database = await createTestDatabase(kind)
  })
  afterEach(() => database.drop())

  async function backlot(args: string[], extra: Record<string, string> = {}) {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', BACKLOT_DATA_DIR: database.dataDir }
    if (database.config.kind === 'postgres') {
      env.BACKLOT_DATABASE_URL = database.config.location
      env.BACKLOT_DATABASE_SCHEMA = database.config.schema
    }
    Object.assign(env, extra)
    const result = await run(process.execPath, backlotArgs(...args), {
      cwd: root,
      env,
    }).catch((error) => error)
    return { code: result.code ?? 0, stdout: String(result.stdout) }
  }
  /** `{ check: status }` from doctor's lines. */
  const statuses = (stdout: string) =>
    Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => {
          const [status, name] = line.split(/\s+/)
          return [name, status]
        }),
    )

  it('fails on a database that is not migrated, and passes once it is', async () => {
    const before = await backlot(['doctor'])
    expect(before.code).toBe(1)
    expect(Object.keys(statuses(before.stdout))).toEqual(CHECKS)
    expect(statuses(before.stdout)).toMatchObject({ database: 'ok', migrations: 'fail' })
    expect(before.stdout).toMatch(
      /^fail {2}migrations +\d+ pending \(0001-init, .*\): run "backlot migrate"$/m,
    )

    await backlot(['migrate'])
    const after = await backlot(['doctor'])
    expect(after.code).toBe(0)
    const lines = statuses(after.stdout)
    expect(Object.keys(lines)).toEqual(CHECKS)
    expect(Object.values(lines).every((status) => status === 'ok' || status === 'warn')).toBe(true)
    expect(lines).toMatchObject({
      database: 'ok',
      migrations: 'ok',
      clock: 'ok',
      redis: 'ok',
      'media-store': 'ok',
    })
    // No keys configured: the generated pair is worth a warning, as is a public URL left unset.
    expect(lines).toMatchObject({ vapid: 'warn', 'public-url': 'warn' })
  })

  it('warns about variables under old names and BACKLOT_ names it does not know (typos)', async () => {
    await backlot(['migrate'])
    const result = await backlot(['doctor'], { PORT: '8081', BACKLOT_PORTT: '8082' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^warn {2}config +unknown, ignored \(a typo\?\): BACKLOT_PORTT$/m)
    expect(result.stdout).toMatch(/^warn {2}config +old names, rename them: PORT → BACKLOT_PORT$/m)
  })

  it('fails an unreachable Redis, an unusable public URL and a media store it cannot write', async () => {
    await backlot(['migrate'])
    const notADirectory = path.join(database.dataDir, 'not-a-folder')
    fs.writeFileSync(notADirectory, 'a file where the media folder should be')
    const result = await backlot(['doctor'], {
      BACKLOT_REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      BACKLOT_PUBLIC_URL: 'http://0.0.0.0:8080',
      BACKLOT_PUSH_SUBJECT: 'mailto:ops@example.com',
      // PostgreSQL keeps nothing in the data folder, so it can point at a file; SQLite would fail first.
      ...(kind === 'postgres' ? { BACKLOT_DATA_DIR: notADirectory } : {}),
    })
    expect(result.code).toBe(1)
    expect(statuses(result.stdout)).toMatchObject({
      database: 'ok',
      migrations: 'ok',
      redis: 'fail',
      'public-url': 'fail',
      'media-store': kind === 'postgres' ? 'fail' : 'ok',
    })
    expect(result.stdout).toMatch(/^fail {2}public-url +http:\/\/0\.0\.0\.0:8080\/ is a listening address/m)
  })

  it.runIf(kind === 'postgres')('reports a database it cannot reach as one failed line', async () => {
    const port = await freePort()
    const result = await backlot(['doctor'], {
      BACKLOT_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`,
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^fail {2}database +postgres: .*ECONNREFUSED/m)
  })
})
