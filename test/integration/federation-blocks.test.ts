import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backlotArgs } from '../_util/backlot-command.js'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

const run = promisify(execFile)
/** Each CLI process starts node and opens the database: generous on a loaded machine. */
const CLI_TEST_TIMEOUT_MS = 600_000
const root = path.resolve(import.meta.dirname, '../..')

/**
 * Issue 18 part 3: the operator's instance block list through the admin API and the CLI
 * (`backlot federation block|unblock|blocks`), each change logged with the operator, and what a
 * block covers (the domain and its subdomains).
 */
describe.each(testDatabases)('instance block list on %s', (kind) => {
  let server: TestServer
  let operator: Client
  let fan: Client

  beforeAll(async () => {
    server = await startTestServer(kind)
    operator = client(server.url, {
      token: (await seedAccount(server.ctx, 'operator', { isAdmin: true })).token,
    })
    fan = client(server.url, { token: (await seedAccount(server.ctx, 'fan')).token })
  })
  afterAll(async () => server?.destroy())

  const cli = async (...args: string[]) => {
    const { database } = server
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? root,
      BACKLOT_DATA_DIR: database.dataDir,
      BACKLOT_LOG_LEVEL: 'silent',
    }
    if (database.config.kind === 'postgres') {
      env.BACKLOT_DATABASE_URL = database.config.location
      env.BACKLOT_DATABASE_SCHEMA = database.config.schema
    }
    try {
      const { stdout, stderr } = await run(process.execPath, backlotArgs('federation', ...args), {
        cwd: root,
        env,
      })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }

  it('blocks, lists and unblocks through the admin API, operators only, with the change logged', async () => {
    const put = await operator.put('/api/v1/admin/federation/blocks/Spam.Example', { reason: 'spam waves' })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    expect(put.body).toMatchObject({ domain: 'spam.example', reason: 'spam waves', blockedBy: 'operator' })
    expect((await operator.get('/api/v1/admin/federation/blocks')).body.items).toMatchObject([
      { domain: 'spam.example' },
    ])
    expect(await server.ctx.instanceBlocks.isBlocked('spam.example')).toBe(true)
    expect(await server.ctx.instanceBlocks.isBlocked('relay.spam.example:8443')).toBe(true)
    expect(await server.ctx.instanceBlocks.isBlocked('notspam.example')).toBe(false)

    const refused = await fan.put('/api/v1/admin/federation/blocks/other.example', {})
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ code: 'not-server-admin' })
    expect((await fan.get('/api/v1/admin/federation/blocks')).status).toBe(403)
    const invalid = await operator.put('/api/v1/admin/federation/blocks/not a domain', {})
    expect(invalid.status).toBe(422)
    expect(invalid.body).toMatchObject({ code: 'instance-domain-invalid' })

    expect((await operator.delete('/api/v1/admin/federation/blocks/spam.example')).status).toBe(204)
    const again = await operator.delete('/api/v1/admin/federation/blocks/spam.example')
    expect(again.status).toBe(404)
    expect(again.body).toMatchObject({ code: 'instance-not-blocked' })
    const log = await server.ctx.db
      .selectFrom('federation_block_log')
      .select(['domain', 'action', 'reason'])
      .orderBy('created_at')
      .execute()
    expect(log).toEqual([
      { domain: 'spam.example', action: 'blocked', reason: 'spam waves' },
      { domain: 'spam.example', action: 'unblocked', reason: '' },
    ])
  })

  it(
    'backlot federation block / blocks / unblock, and one plain line for a bad domain',
    async () => {
      const blocked = await cli('block', 'bad.example', '--reason', 'harassment')
      expect(blocked, blocked.stderr).toMatchObject({ code: 0 })
      expect(blocked.stdout).toContain('bad.example: blocked')
      expect(await server.ctx.instanceBlocks.isBlocked('www.bad.example')).toBe(true)
      const listed = await cli('blocks', '--json')
      expect(JSON.parse(listed.stdout)).toMatchObject([
        { domain: 'bad.example', reason: 'harassment', blockedBy: 'operator' },
      ])
      const bad = await cli('block', 'http://x/')
      expect(bad.code).toBe(1)
      expect(bad.stderr.trim().split('\n')).toHaveLength(1)
      expect(bad.stderr).toMatch(/^backlot: .*not a domain name/)
      expect((await cli('unblock', 'bad.example')).code).toBe(0)
      expect(await server.ctx.instanceBlocks.isBlocked('www.bad.example')).toBe(false)
      expect((await cli('unblock', 'bad.example')).stderr).toMatch(/^backlot: bad.example is not blocked/)
      expect((await cli('health')).stdout).toContain('every instance answers')
    },
    CLI_TEST_TIMEOUT_MS,
  )
})
