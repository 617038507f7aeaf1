import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backlotArgs } from '../_util/backlot-command.js'
import { client } from '../_util/client.js'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

/** `backlot channel …` and `backlot reports` (issue 17 point 5), run beside a serving server on its data. */
describe.each(testDatabases)('operator CLI on %s', (kind) => {
  let database: TestDatabase
  let server: TestServer

  const cli = async (args: string[]) => {
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
      const { stdout, stderr } = await run(process.execPath, backlotArgs(...args), {
        cwd: root,
        env,
      })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind)
    // One-second heartbeats: a suspension from the CLI (no Redis, so no shared bus) ends streams at the next one.
    server = await startTestServer(kind, { database, env: { BACKLOT_STREAM_HEARTBEAT_SECONDS: '1' } })
  })
  afterAll(async () => {
    await server?.close()
    await database?.drop()
  })

  it('needs an operator, lists channels, and resolves a channel report by suspending it', {
    timeout: 900_000,
  }, async () => {
    const owner = await seedAccount(server.ctx, 'showrunner')
    await seedChannel(server.ctx, owner.account, { slug: 'set-diary', title: 'Set Diary' })
    const refused = await cli(['channel', 'list'])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(
      'backlot: no server operator yet: create one with "backlot user create --handle H --admin"',
    )

    await seedAccount(server.ctx, 'operator', { isAdmin: true })
    const fan = await seedAccount(server.ctx, 'fan')
    const api = client(server.url, { token: fan.token })
    const report = await api.post('/api/v1/channels/set-diary/reports', {
      kind: 'channel',
      reason: 'impersonation',
    })
    expect(report.status).toBe(201)

    const list = await cli(['channel', 'list', '--json'])
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        slug: 'set-diary',
        title: 'Set Diary',
        owner: 'showrunner',
        members: 1,
        visibility: 'public',
        state: 'active',
      }),
    ])

    const queue = JSON.parse((await cli(['reports', '--json'])).stdout)
    expect(queue).toEqual([
      expect.objectContaining({ id: report.body.caseId, reportCount: 1, reasons: { impersonation: 1 } }),
    ])
    expect((await cli(['reports', '--resolve', report.body.caseId, '--action', 'ban'])).stderr).toContain(
      '--action must be',
    )

    const stream = await StreamClient.open(server.url, { token: fan.token })
    stream.subscribe('set-diary')
    await stream.waitFor((f) => f.type === 'subscribed')
    const resolved = await cli([
      'reports',
      '--resolve',
      report.body.caseId,
      '--action',
      'suspend',
      '--reason',
      'Not the real show',
    ])
    expect(resolved.stdout.trim()).toBe(`${report.body.caseId}: suspended (set-diary)`)
    await stream.waitFor((f) => f.type === 'unsubscribed' && f.reason === 'channel-suspended')
    stream.ws.close()
    expect((await api.get('/c/set-diary')).status).toBe(404)
    const staff = await client(server.url, { token: owner.token }).get('/api/v1/channels/set-diary')
    expect(staff.body).toMatchObject({ code: 'channel-suspended', reason: 'Not the real show' })
    expect((await api.get('/api/v1/me/notices')).body.items).toEqual([
      expect.objectContaining({ item: 'channel', resolution: 'suspended' }),
    ])

    expect((await cli(['channel', 'unsuspend', '--slug', 'set-diary'])).stdout.trim()).toBe(
      'set-diary: active',
    )
    expect((await api.get('/c/set-diary')).status).toBe(200)
    expect(
      JSON.parse((await cli(['channel', 'hide', '--slug', 'set-diary', '--json'])).stdout),
    ).toMatchObject({ state: 'hidden' })
    // Featuring (issue 19): the slug may come alone; featured channels list first in /c/.
    expect((await cli(['channel', 'unhide', '--slug', 'set-diary'])).stdout.trim()).toBe('set-diary: active')
    expect((await cli(['channel', 'feature', 'set-diary'])).stdout.trim()).toBe('set-diary: active, featured')
    expect((await api.get('/c/')).body).toContain('<span class="badge">Featured</span>')
    expect((await cli(['channel', 'unfeature', 'set-diary'])).stdout.trim()).toBe('set-diary: active')
    expect((await api.get('/c/')).body).not.toContain('<span class="badge">')
    // `backlot search reindex` (issue 19) indexes a published post the index lacks.
    const ownerApi = client(server.url, { token: owner.token })
    const post = await ownerApi.post('/api/v1/channels/set-diary/posts', { text: 'Pelican on the set' })
    expect(post.status).toBe(201)
    await server.ctx.db.deleteFrom('search_post').where('post_id', '=', post.body.id).execute()
    expect((await cli(['search', 'reindex'])).stdout.trim()).toBe('indexed 1 post; 1 in the search index')
    expect((await api.get('/api/v1/channels/set-diary/search?q=pelican')).body.items).toHaveLength(1)
    expect((await cli(['search'])).stderr.trim()).toBe('backlot: usage: backlot search reindex')
    expect((await cli(['channel', 'suspend', '--slug', 'nope'])).stderr.trim()).toBe(
      'backlot: No channel "nope".',
    )
    expect((await cli(['channel', 'suspend'])).stderr.trim()).toBe('backlot: channel suspend needs --slug')
    const actions = await server.ctx.db.selectFrom('audit_log').select('action').orderBy('id').execute()
    expect(actions.map((a) => a.action)).toEqual([
      'channel.suspended',
      'report.resolved',
      'channel.unsuspended',
      'channel.hidden',
      'channel.unhidden',
      'channel.featured',
      'channel.unfeatured',
    ])
  })
})
