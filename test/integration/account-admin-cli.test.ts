import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeCodes } from '../../src/delivery/protocol.js'
import { backlotArgs } from '../_util/backlot-command.js'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'
import { PASSWORD, sessionCookie } from './accounts-helpers.js'
import { manualClock } from './channels.fixture.js'

const run = promisify(execFile)
/** Each CLI process starts node and opens the database: generous on a loaded machine. */
const CLI_TEST_TIMEOUT_MS = 600_000
const root = path.resolve(import.meta.dirname, '../..')

/**
 * Issue 17 point 5: the operator's `backlot user list|suspend|unsuspend|delete`, run as a separate
 * process against the data a running server uses; and what a suspension does to the account's
 * logins, tokens and live streams.
 */
describe.each(testDatabases)('operator account tools on %s', (kind) => {
  let server: TestServer
  const clock = manualClock(Date.now())

  beforeAll(async () => {
    server = await startTestServer(kind, { overrides: { clock } })
    const owner = await seedAccount(server.ctx, 'producer', { isAdmin: true })
    await seedChannel(server.ctx, owner.account, { slug: 'crew' })
  })
  afterAll(async () => server?.destroy())

  const user = async (args: string[]) => {
    const { database } = server
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
    try {
      const { stdout, stderr } = await run(process.execPath, backlotArgs('user', ...args), {
        cwd: root,
        env,
      })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }

  /** A person logged in through the API, with a cookie and an API token. */
  async function person(handle: string) {
    const res = await client(server.url).post('/api/v1/accounts', {
      handle,
      displayName: `Name ${handle}`,
      password: PASSWORD,
    })
    expect(res.status).toBe(201)
    const cookie = sessionCookie(res)
    const as = client(server.url, { cookie })
    const token = (await as.post('/api/v1/tokens', { name: 'cli', scopes: ['read'] })).body.token as string
    return { cookie, token, as, bearer: client(server.url, { token }) as Client }
  }

  it('a suspension refuses logins and tokens and ends the streams at once; unsuspending restores the tokens', async () => {
    const p = await person('suspendee')
    const byCookie = await StreamClient.open(server.url, { cookie: p.cookie })
    const byToken = await StreamClient.open(server.url, { token: p.token })
    expect((await p.bearer.get('/api/v1/me')).status).toBe(200)
    const account = (await server.ctx.accounts.findByHandle('suspendee'))!

    await server.ctx.accounts.suspend(account.id, 'spam')
    expect((await byCookie.closed).code).toBe(closeCodes.credentialsRevoked.code)
    expect((await byToken.closed).code).toBe(closeCodes.credentialsRevoked.code)
    expect((await p.as.get('/api/v1/me')).status).toBe(401)
    expect((await p.bearer.get('/api/v1/me')).status).toBe(401)
    const login = await client(server.url).post('/api/v1/sessions', {
      handle: 'suspendee',
      password: PASSWORD,
    })
    expect(login.status).toBe(403)
    expect(login.body.code).toBe('account-suspended')
    await expect(StreamClient.open(server.url, { token: p.token })).rejects.toThrow()

    await server.ctx.accounts.unsuspend(account.id)
    expect((await p.bearer.get('/api/v1/me')).status).toBe(200)
    // The session was ended for good: the person logs in again.
    expect((await p.as.get('/api/v1/me')).status).toBe(401)
    const again = await client(server.url).post('/api/v1/sessions', {
      handle: 'suspendee',
      password: PASSWORD,
    })
    expect(again.status).toBe(200)
  })

  it(
    'user list, suspend, unsuspend and delete from the command line',
    async () => {
      const quiet = await person('quiet_fan')
      const leaving = await person('leaving_fan')
      const byToken = await StreamClient.open(server.url, { token: quiet.token })

      const suspended = await user(['suspend', '--handle', '@Quiet_Fan', '--reason', 'abuse reports'])
      expect(suspended).toMatchObject({ code: 0, stderr: '' })
      expect(suspended.stdout.trim()).toBe('suspended @quiet_fan: logged out everywhere, its tokens refused')
      // Another process did it: the server notices when its cached credential and its stream's
      // credential are next read from the database.
      clock.advance(6_000)
      expect((await quiet.bearer.get('/api/v1/me')).status).toBe(401)
      clock.advance(60_000)
      await server.ctx.hub.checkCredentials()
      expect((await byToken.closed).code).toBe(closeCodes.credentialsRevoked.code)

      const pending = await user(['delete', '--handle', 'leaving_fan'])
      expect(pending.code).toBe(0)
      expect(pending.stdout).toMatch(/^@leaving_fan will be erased on \d{4}-\d\d-\d\d \d\d:\d\d UTC/)

      const plain = await user(['list'])
      expect(plain.code).toBe(0)
      const lines = plain.stdout.trim().split('\n')
      expect(lines.find((l) => l.startsWith('@producer '))).toMatch(/Producer?\s+admin\s+created .*active$/i)
      expect(lines.find((l) => l.startsWith('@quiet_fan '))).toMatch(
        /Name quiet_fan\s+-\s+created .* suspended$/,
      )
      expect(lines.find((l) => l.startsWith('@leaving_fan '))).toMatch(/deletion pending \(\d{4}-/)

      const json = await user(['list', '--json'])
      const listed = JSON.parse(json.stdout) as Record<string, unknown>[]
      const byHandle = new Map(listed.map((a) => [a.handle, a]))
      expect(byHandle.get('quiet_fan')).toMatchObject({
        state: 'suspended',
        suspensionReason: 'abuse reports',
        isAdmin: false,
        displayName: 'Name quiet_fan',
      })
      expect(byHandle.get('producer')).toMatchObject({ state: 'active', isAdmin: true })
      expect(byHandle.get('leaving_fan')).toMatchObject({ state: 'deletion pending' })
      expect(Date.parse(byHandle.get('leaving_fan')!.lastSeenAt as string)).toBeGreaterThan(0)

      expect((await user(['unsuspend', '--handle', 'quiet_fan'])).stdout.trim()).toBe(
        'unsuspended @quiet_fan',
      )
      clock.advance(6_000)
      expect((await quiet.bearer.get('/api/v1/me')).status).toBe(200)

      const erased = await user(['delete', '--handle', 'leaving_fan', '--now'])
      expect(erased).toMatchObject({ code: 0, stderr: '' })
      expect(erased.stdout.trim()).toBe('erased @leaving_fan; its channel posts show "Former member"')
      clock.advance(6_000)
      expect((await leaving.bearer.get('/api/v1/me')).status).toBe(401)
      const after = JSON.parse((await user(['list', '--json'])).stdout) as { handle: string }[]
      expect(after.map((a) => a.handle)).not.toContain('leaving_fan')
    },
    CLI_TEST_TIMEOUT_MS,
  )

  it(
    'says what is wrong in one line',
    async () => {
      const owner = await user(['delete', '--handle', 'producer', '--now'])
      expect(owner.code).toBe(1)
      expect(owner.stderr.trim().split('\n')).toEqual([
        'backlot: You own the channel "crew": transfer ownership or delete it first.',
      ])
      const unknown = await user(['suspend', '--handle', 'nobody_here'])
      expect(unknown).toMatchObject({ code: 1, stderr: 'backlot: no account @nobody_here\n' })
      const missing = await user(['unsuspend'])
      expect(missing).toMatchObject({ code: 1, stderr: 'backlot: user unsuspend needs --handle\n' })
    },
    CLI_TEST_TIMEOUT_MS,
  )
})
