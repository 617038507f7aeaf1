import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest } from '../../src/db/migrator.js'
import { client } from '../_util/client.js'
import { pgTestUrl, type TestDatabase } from '../_util/db.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

const PGBOUNCER = '/usr/sbin/pgbouncer'

/**
 * Issue 21 part 5 — NEEDS PostgreSQL (127.0.0.1:5432, database `test`, trust auth) AND Debian's
 * pgbouncer (`/usr/sbin/pgbouncer`, .ci/run installs it). The test starts its own PgBouncer in
 * transaction pooling mode on a free loopback port as a child process, points a Backlot server's
 * database URL at it, and does real work through it: the migrations, posting, reactions, a
 * transaction that must roll back, listing. Both set-ups docs/operations.md gives run: the default
 * (schema `public`, here of a database of its own, and a PgBouncer configured with nothing special)
 * and a non-public schema (`ignore_startup_parameters = options`, the schema set on every server
 * connection by `connect_query`: transaction pooling shares server connections between clients, so
 * a per-client `search_path` cannot hold).
 */
const setups = [
  { name: 'schema public of its own database', schema: 'public' },
  {
    name: 'a schema set by connect_query',
    schema: `t_bouncer_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
  },
]

describe.each(setups)('PostgreSQL behind PgBouncer in transaction mode, $name [pgbouncer]', ({ schema }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-pgbouncer-'))
  // The default set-up gets a database of its own: the shared test database's public schema is not ours.
  const dbName = schema === 'public' ? `backlot_bouncer_${process.pid}_${Date.now() % 100000}` : null
  let bouncer: ChildProcess
  let port: number
  let server: TestServer
  const log: string[] = []

  beforeAll(async () => {
    expect(fs.existsSync(PGBOUNCER), `${PGBOUNCER} is missing: apt-get install -y pgbouncer`).toBe(true)
    port = await freePort()
    const pgUrl = new URL(pgTestUrl)
    if (dbName) await directQuery(`create database "${dbName}"`)
    const target =
      `host=${pgUrl.hostname} port=${pgUrl.port || 5432} user=${pgUrl.username || 'postgres'} ` +
      (dbName
        ? `dbname=${dbName}`
        : `dbname=${pgUrl.pathname.slice(1)} connect_query='SET search_path TO "${schema}"'`)
    const ini = path.join(dir, 'pgbouncer.ini')
    fs.writeFileSync(
      ini,
      [
        '[databases]',
        `test = ${target}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = any',
        'pool_mode = transaction',
        // Backlot sends `options` (search_path) only for a non-public schema.
        ...(dbName ? [] : ['ignore_startup_parameters = options']),
        // Small on purpose: fewer server connections than the node's pool (10) and the test's
        // clients, so server connections really are shared between clients.
        'default_pool_size = 3',
        // Hand out server connections in turn rather than the last one used (LIFO, the default,
        // hides session state on a quiet server): what a busy cluster's traffic does anyway.
        'server_round_robin = 1',
        'max_client_conn = 100',
        'admin_users = postgres',
        'server_reset_query =',
      ].join('\n'),
    )
    fs.chmodSync(dir, 0o755)
    fs.chmodSync(ini, 0o644)
    // PgBouncer refuses to run as root; as root (CI), it drops to nobody.
    const args = process.getuid?.() === 0 ? ['-u', 'nobody', ini] : [ini]
    bouncer = spawn(PGBOUNCER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    bouncer.stdout!.on('data', (d) => log.push(String(d)))
    bouncer.stderr!.on('data', (d) => log.push(String(d)))
    await waitForPort(port, () => log.join(''))
    const database: TestDatabase = {
      config: { kind: 'postgres', location: `postgres://postgres@127.0.0.1:${port}/test`, schema },
      dataDir: dir,
      drop: async () => {},
    }
    // Starting the server runs every migration through PgBouncer (Kysely's lock is transaction-scoped).
    server = await startTestServer('postgres', { database })
  }, 60_000)

  afterAll(async () => {
    await server?.destroy()
    bouncer?.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 200))
    await directQuery(
      dbName ? `drop database if exists "${dbName}"` : `drop schema if exists "${schema}" cascade`,
    )
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('migrates, posts, reacts, rolls back and lists through transaction pooling', async () => {
    const ctx = server.ctx
    // The migrations ran in this schema, through the bouncer.
    const { rows: applied } = await sql<{ name: string }>`select name from kysely_migration`.execute(ctx.db)
    expect(applied.map((m) => m.name)).toContain('0001-init')

    const owner = await seedAccount(ctx, 'bouncer-owner')
    const channel = await seedChannel(ctx, owner.account, { slug: 'through-the-bouncer' })
    const as = client(server.url, { token: owner.token })
    const fans = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const fan = await seedAccount(ctx, `bouncer-fan-${i}`)
        await seedMember(ctx, channel, fan.account, null)
        return client(server.url, { token: fan.token })
      }),
    )
    const posts: { id: string }[] = []
    for (let i = 0; i < 5; i++) {
      const res = await as.post('/api/v1/channels/through-the-bouncer/posts', {
        text: `Take ${i} on stage 4`,
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      posts.push(res.body)
    }
    // Reactions from many clients at once: more concurrent transactions than server connections.
    const reacted = await Promise.all(
      fans.flatMap((fan) =>
        posts.map((p) =>
          fan.put(`/api/v1/channels/through-the-bouncer/posts/${p.id}/reaction`, { emoji: '🔥' }),
        ),
      ),
    )
    expect(reacted.map((r) => r.status).filter((s) => s >= 300)).toEqual([])
    const counts = await ctx.db
      .selectFrom('post_reaction')
      .select((eb) => ['post_id', eb.fn.countAll<number>().as('n')])
      .where(
        'post_id',
        'in',
        posts.map((p) => p.id),
      )
      .groupBy('post_id')
      .execute()
    expect(counts.map((c) => Number(c.n))).toEqual(posts.map(() => fans.length))

    const [first, second] = posts as [{ id: string }, { id: string }]
    // A transaction that fails rolls back as a whole, on whichever server connection it ran.
    const failed = await ctx.db
      .transaction()
      .execute(async (tx) => {
        await tx.updateTable('post').set({ text: 'never' }).where('id', '=', first.id).execute()
        await tx.deleteFrom('post_reaction').where('post_id', '=', first.id).execute()
        throw new Error('roll back')
      })
      .catch((e: Error) => e.message)
    expect(failed).toBe('roll back')
    const after = await ctx.db
      .selectFrom('post')
      .select('text')
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow()
    expect(after.text).toBe('Take 0 on stage 4')
    const kept = await ctx.db
      .selectFrom('post_reaction')
      .select('emoji')
      .where('post_id', '=', first.id)
      .execute()
    expect(kept).toHaveLength(fans.length)
    // A refused request changes nothing either (an unknown reaction in this channel's set).
    const refused = await fans[0]!.put(`/api/v1/channels/through-the-bouncer/posts/${second.id}/reaction`, {
      emoji: 'not-an-emoji',
    })
    expect(refused.status).toBeGreaterThanOrEqual(400)

    const listed = await as.get('/api/v1/channels/through-the-bouncer/posts?limit=10')
    expect(listed.status).toBe(200)
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual(posts.map((p) => p.id).reverse())
    const page = await fetch(`${server.url}/c/through-the-bouncer`)
    expect(page.status).toBe(200)

    // And it all went through PgBouncer's transaction pools, on at most default_pool_size connections.
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/pgbouncer` })
    await admin.connect()
    // Without parameters node-postgres sends the simple protocol, which the admin console speaks.
    const stats = (await admin.query<{ database: string; total_xact_count: string }>('SHOW STATS')).rows
    const servers = (await admin.query('SHOW SERVERS')).rows
    await admin.end()
    expect(Number(stats.find((s) => s.database === 'test')?.total_xact_count)).toBeGreaterThan(100)
    expect(servers.length).toBeLessThanOrEqual(3)
  })

  it('starts again on the migrated database without waiting on a migration lock', async () => {
    // Kysely's PostgreSQL migration lock is session-level: through transaction pooling its unlock
    // may reach another server connection and leave it held. A start with nothing pending takes
    // no lock (db/migrator.ts), so a second node starts at once however the connections fall.
    for (let i = 0; i < 3; i++) {
      const started = Date.now()
      expect(await migrateToLatest(server.ctx.db)).toEqual([])
      expect(Date.now() - started).toBeLessThan(30_000)
    }
    const again = await startTestServer('postgres', { database: server.database })
    expect((await fetch(`${again.url}/c/through-the-bouncer`)).status).toBe(200)
    await again.destroy()
  }, 60_000)
})

async function directQuery(text: string): Promise<void> {
  const direct = new pg.Client({ connectionString: pgTestUrl })
  await direct.connect()
  try {
    await direct.query(text)
  } finally {
    await direct.end()
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`pgbouncer did not listen on ${port}: ${output()}`)
}
