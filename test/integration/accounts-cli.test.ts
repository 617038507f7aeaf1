import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backlotArgs } from '../_util/backlot-command.js'
import { client } from '../_util/client.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { startTestServer } from '../_util/server.js'
import { PASSWORD } from './accounts-helpers.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

/** `backlot user create` run as an operator would, against the same data the server then uses. */
describe.each(testDatabases)('backlot user create on %s', (kind) => {
  let database: TestDatabase

  const user = (args: string[]) => {
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
    return run(process.execPath, backlotArgs('user', ...args), {
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
    const admin = await user(['create', '--handle', 'Producer', '--admin', '--password', PASSWORD])
    expect(admin.stdout).toContain('created @producer (server admin)')
    const generated = await user(['create', '--handle', 'runner', '--display-name', 'Set Runner'])
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
    const failure = await user(['create', '--handle', 'careless', '--password', 'qwertyuiop']).catch((e) => e)
    expect(failure.code).toBe(1)
    expect(failure.stderr.trim()).toBe(
      'backlot: This password appears in lists of passwords leaked from other sites; attackers try these first. Choose another.',
    )
  })

  it('refuses a taken handle with one line and exit code 1', async () => {
    const failure = await user(['create', '--handle', 'PRODUCER', '--password', PASSWORD]).catch((e) => e)
    expect(failure.code).toBe(1)
    expect(failure.stderr).toContain('backlot: @producer is already taken.')
  })

  // Five CLI processes, each opening the database: slow on a loaded machine.
  it('lists where an account is logged in and logs it out everywhere (issue 17 point 1)', async () => {
    await user(['create', '--handle', 'grip', '--password', PASSWORD])
    const server = await startTestServer(kind, { database })
    try {
      const login = () =>
        client(server.url, {
          headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0' },
        }).post('/api/v1/sessions', { handle: 'grip', password: PASSWORD })
      const cookies = [await login(), await login()].map((r) => r.headers.get('set-cookie')!.split(';')[0]!)
      const listed = await user(['sessions', '--handle', '@Grip'])
      expect(listed.stdout.trim().split('\n')).toHaveLength(2)
      expect(listed.stdout).toContain('Firefox on Linux  127.0.0.0/24  last seen')

      const ended = await user(['logout', '--handle', 'grip'])
      expect(ended.stdout.trim()).toBe('ended 2 sessions of @grip')
      // The server's auth cache honours a session for at most 5 s after it ended elsewhere.
      for (const cookie of cookies) {
        await expect
          .poll(async () => (await client(server.url, { cookie }).get('/api/v1/me')).status, {
            timeout: 15_000,
          })
          .toBe(401)
      }
      expect((await user(['sessions', '--handle', 'grip'])).stdout.trim()).toBe(
        '@grip is not logged in anywhere',
      )
      const unknown = await user(['logout', '--handle', 'nobody']).catch((e) => e)
      expect(unknown.code).toBe(1)
      expect(unknown.stderr.trim()).toBe('backlot: no account @nobody')
    } finally {
      await server.destroy()
    }
  }, 180_000)
})
