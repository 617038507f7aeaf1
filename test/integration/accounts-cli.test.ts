import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { startTestServer } from '../_util/server.js'
import { PASSWORD } from './accounts-helpers.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

/** `backlot user create` run as an operator would, against the same data the server then uses. */
describe.each(testDatabases)('backlot user create on %s', (kind) => {
  let database: TestDatabase

  const userCreate = (args: string[]) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? root,
      BACKLOT_DATA_DIR: database.dataDir,
      BACKLOT_ARGON2: 'fast',
      BACKLOT_LOG_LEVEL: 'silent',
    }
    if (database.config.kind === 'postgres') {
      env.BACKLOT_DATABASE_URL = database.config.location
      env.BACKLOT_DATABASE_SCHEMA = database.config.schema
    }
    return run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'user', 'create', ...args], {
      cwd: root,
      env,
    })
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind)
  })
  afterAll(async () => {
    await database.drop()
  })

  it('creates accounts that can then log in through the API', async () => {
    const admin = await userCreate(['--handle', 'Producer', '--admin', '--password', PASSWORD])
    expect(admin.stdout).toContain('created @producer (server admin)')
    const generated = await userCreate(['--handle', 'runner', '--display-name', 'Set Runner'])
    const password = /^password: (\S+)$/m.exec(generated.stdout)?.[1]
    expect(password).toBeDefined()

    const server = await startTestServer(kind, { database })
    try {
      const producer = await client(server.url).post('/api/v1/sessions', {
        handle: 'producer',
        password: PASSWORD,
      })
      expect(producer.status).toBe(200)
      expect(producer.body).toMatchObject({ handle: 'producer', displayName: 'Producer', isAdmin: true })
      const runner = await client(server.url).post('/api/v1/sessions', { handle: 'runner', password })
      expect(runner.status).toBe(200)
      expect(runner.body).toMatchObject({ handle: 'runner', displayName: 'Set Runner', isAdmin: false })
    } finally {
      await server.destroy()
    }
  })

  it('refuses a password from the breach list with one line saying why (issue 14 item 9)', async () => {
    const failure = await userCreate(['--handle', 'careless', '--password', 'qwertyuiop']).catch((e) => e)
    expect(failure.code).toBe(1)
    expect(failure.stderr.trim()).toBe(
      'backlot: This password appears in lists of passwords leaked from other sites; attackers try these first. Choose another.',
    )
  })

  it('refuses a taken handle with one line and exit code 1', async () => {
    const failure = await userCreate(['--handle', 'PRODUCER', '--password', PASSWORD]).catch((e) => e)
    expect(failure.code).toBe(1)
    expect(failure.stderr).toContain('backlot: @producer is already taken.')
  })
})
