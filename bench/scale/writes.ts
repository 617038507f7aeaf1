import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import { dropPostgresSchema, openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { countPostRoundTrips } from '../../test/_util/round-trips.js'
import { type BenchNode, startNode } from '../cluster/nodes.js'
import { LiteHttpConnection } from '../interactions/http-lite.js'
import { pool } from '../lib/pool.js'
import { writeResult } from '../lib/results.js'
import { percentile, printTable, setupChannel } from '../lib/server-process.js'

/**
 * The write half of `npm run bench:scale` (issue 21 parts 1, 3 and 6); runnable alone:
 * `npm run build && tsx bench/scale/writes.ts`. PostgreSQL + Redis, 1, 2 and 3 nodes:
 *
 * - reactions: MEMBERS fans on one hot post, CONCURRENCY keep-alive connections spread evenly over
 *   the nodes, every request a real change of the fan's reaction. Each layout runs twice in the
 *   same run: today's batched path (BACKLOT_INTERACTION_BATCH_MS=BATCH_MS) and the path before
 *   issue 21 (BACKLOT_INTERACTION_BATCH_MS=0: a batch per event-loop turn), so the gain is a ratio.
 * - floor: what PostgreSQL alone takes of the same work with no HTTP and no Backlot — the same
 *   multi-row upsert batches, and the one-row access check every request makes — from POOL
 *   connections in this process (the way bench:baseline gives the machine's floor for fan-out).
 * - round trips per post: a text post and an album post through the API, queries counted at the pg
 *   driver (test/_util/round-trips.ts), before (base commit, measured with the same counter) and now.
 *
 * Env: BENCH_PG_URL, BENCH_REDIS_URL, BENCH_SECONDS (8), BENCH_CONCURRENCY (64), BENCH_MEMBERS (1000),
 *      BENCH_NODES (1,2,3), BENCH_BATCH_MS (2). Writes bench/results/scale-writes.json.
 */
const pgUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const WARMUP_S = 2
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64)
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1000)
const NODES = (process.env.BENCH_NODES ?? '1,2,3').split(',').map(Number)
const BATCH_MS = process.env.BENCH_BATCH_MS ?? '2'
const EMOJIS = ['❤️', '😂', '😮', '😢', '🔥', '👏']
/** Measured with test/_util/round-trips.ts on the base commit (5e4f2cf), before this branch's changes. */
const ROUND_TRIPS_BEFORE = { text: 16, album: 21 }

async function createFan(url: string, slug: string, i: number): Promise<string> {
  const json = { 'content-type': 'application/json' }
  const reg = await fetch(`${url}/api/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ handle: `fan${i}`, displayName: `Fan ${i}`, password: `fan-password-${i}` }),
  })
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`)
  const cookie = reg.headers.get('set-cookie')!.split(';')[0]!
  await reg.arrayBuffer()
  const join = await fetch(`${url}/api/v1/channels/${slug}/members`, {
    method: 'POST',
    headers: { ...json, cookie, 'x-backlot-csrf': '1' },
    body: '{}',
  })
  if (join.status !== 201) throw new Error(`join failed: ${join.status} ${await join.text()}`)
  await join.arrayBuffer()
  return cookie
}

interface World {
  env: Record<string, string>
  schema: string
  postPath: string
  postId: string
  cookies: string[]
  perFan: number[]
}

/** Sustained reaction changes over `nodes`, connections spread evenly; latencies per request. */
async function load(nodes: BenchNode[], world: World, seconds: number) {
  const latencies: number[] = []
  let ok = 0
  let errors = 0
  const connections = await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      LiteHttpConnection.connect(nodes[i % nodes.length]!.host, nodes[i % nodes.length]!.port),
    ),
  )
  let next = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    connections.map(async (conn) => {
      while (performance.now() < deadline) {
        const fan = next++ % world.cookies.length
        const emoji = EMOJIS[(fan + world.perFan[fan]!++) % EMOJIS.length]
        const t0 = performance.now()
        const res = await conn.request(
          'PUT',
          world.postPath,
          { cookie: world.cookies[fan]!, 'x-backlot-csrf': '1' },
          JSON.stringify({ emoji }),
        )
        latencies.push(performance.now() - t0)
        if (res.status === 200) ok++
        else errors++
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  for (const conn of connections) conn.close()
  return { ok, errors, elapsed, latencies }
}

async function runLayout(world: World, nodeCount: number, batchMs: string) {
  const nodes = await Promise.all(
    Array.from({ length: nodeCount }, () =>
      startNode({ ...world.env, BACKLOT_REDIS_URL: redisUrl, BACKLOT_INTERACTION_BATCH_MS: batchMs }),
    ),
  )
  try {
    await load(nodes, world, WARMUP_S)
    const load1m = Number(os.loadavg()[0]!.toFixed(2))
    const cpu0 = nodes.map((n) => n.cpuSeconds())
    const run = await load(nodes, world, SECONDS)
    const cpu = nodes.reduce((sum, n, i) => sum + n.cpuSeconds() - cpu0[i]!, 0)
    // Quiet: totals must equal the rows (counts are computed from the rows; one per member).
    await using check = await openDatabase({ kind: 'postgres', location: pgUrl, schema: world.schema })
    const rows = await check.db
      .selectFrom('post_reaction')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('post_id', '=', world.postId)
      .executeTakeFirstOrThrow()
    return {
      nodes: nodeCount,
      path: batchMs === '0' ? 'before (per event-loop turn)' : `batched (${batchMs} ms window)`,
      batchMs: Number(batchMs),
      reactionsPerSec: Math.round(run.ok / run.elapsed),
      errors: run.errors,
      p50Ms: Number(percentile(run.latencies, 50).toFixed(2)),
      p99Ms: Number(percentile(run.latencies, 99).toFixed(2)),
      nodeCpuPercent: Math.round((cpu / run.elapsed) * 100),
      rowsEqualMembers: Number(rows.n) === world.cookies.length,
      loadAverage1m: load1m,
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()))
  }
}

/** PostgreSQL alone, from POOL connections here: the same batches with no HTTP and no node. */
async function floor(world: World) {
  const POOL = 10
  const client = new pg.Pool({
    connectionString: pgUrl,
    max: POOL,
    options: `-c search_path="${world.schema}"`,
  })
  const ids = (await client.query('select id from account where handle like $1', ['fan%'])).rows.map(
    (r) => r.id as string,
  )
  const channel = (await client.query('select channel_id from post where id = $1', [world.postId])).rows[0]
    .channel_id as string
  const out: Record<string, string | number>[] = []
  let turn = 0
  const measure = async (label: string, perCall: number, call: () => Promise<unknown>) => {
    const latencies: number[] = []
    let calls = 0
    const deadline = performance.now() + 4000
    const started = performance.now()
    await Promise.all(
      Array.from({ length: POOL * 2 }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now()
          await call()
          latencies.push(performance.now() - t0)
          calls++
        }
      }),
    )
    const elapsed = (performance.now() - started) / 1000
    out.push({
      work: label,
      'rows/s': Math.round((calls * perCall) / elapsed),
      'p99 ms': Number(percentile(latencies, 99).toFixed(2)),
    })
  }
  const upsert = (size: number) => {
    const values: unknown[] = []
    const tuples: string[] = []
    for (let i = 0; i < size; i++) {
      const fan = turn++ % ids.length
      values.push(world.postId, ids[fan], EMOJIS[turn % EMOJIS.length], Date.now())
      tuples.push(`($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`)
    }
    // Distinct keys per statement (size ≤ members), like the writer's rounds.
    return client.query(
      `insert into post_reaction (post_id, account_id, emoji, created_at) values ${tuples.join(',')}
       on conflict (post_id, account_id) do update set emoji = excluded.emoji, created_at = excluded.created_at
       where post_reaction.emoji <> excluded.emoji returning post_id, account_id`,
      values,
    )
  }
  for (const size of [1, 25, 100, 250])
    await measure(`upsert, ${size} rows per statement`, size, () => upsert(size))
  await measure('upsert, 1 row in BEGIN…COMMIT (before: a batch of 1)', 1, async () => {
    const c = await client.connect()
    try {
      await c.query('begin')
      const fan = turn++ % ids.length
      await c.query(
        `insert into post_reaction (post_id, account_id, emoji, created_at) values ($1, $2, $3, $4)
         on conflict (post_id, account_id) do update set emoji = excluded.emoji where post_reaction.emoji <> excluded.emoji`,
        [world.postId, ids[fan], EMOJIS[turn % EMOJIS.length], Date.now()],
      )
      await c.query('commit')
    } finally {
      c.release()
    }
  })
  await measure('access check (channel ⋈ member ⋈ ban ⋈ post), 1 per request', 1, () => {
    const fan = turn++ % ids.length
    return client.query(
      `select c.id, m.role, b.account_id, p.status from channel c
       left join channel_member m on m.channel_id = c.id and m.account_id = $1
       left join channel_ban b on b.channel_id = c.id and b.account_id = $1
       left join post p on p.channel_id = c.id and p.id = $2 where c.id = $3`,
      [ids[fan], world.postId, channel],
    )
  })
  await client.end()
  return out
}

export async function runWrites() {
  const schema = `bench_scale_writes_${process.pid}`
  {
    await using database = await openDatabase({ kind: 'postgres', location: pgUrl, schema })
    await migrateToLatest(database.db)
  }
  const prefix = `bench:scale-writes:${process.pid}:`
  const env = { BACKLOT_DATABASE_URL: pgUrl, BACKLOT_DATABASE_SCHEMA: schema, BACKLOT_REDIS_PREFIX: prefix }
  try {
    // Fans are registered once through one node; every layout reuses their sessions.
    const setup = await startNode({ ...env, BACKLOT_REDIS_URL: redisUrl })
    let world: World
    try {
      const token = await setupChannel(setup.url, 'bench')
      const created = await fetch(`${setup.url}/api/v1/channels/bench/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ text: 'The last chapter airs: react!' }),
      })
      const post = (await created.json()) as { id: string }
      console.error(`scale writes: registering ${MEMBERS} fans…`)
      const cookies = await pool(16, MEMBERS, (i) => createFan(setup.url, 'bench', i))
      world = {
        env,
        schema,
        postId: post.id,
        postPath: `/api/v1/channels/bench/posts/${post.id}/reaction`,
        cookies,
        perFan: new Array<number>(MEMBERS).fill(0),
      }
    } finally {
      await setup.stop()
    }

    const reactions: Awaited<ReturnType<typeof runLayout>>[] = []
    for (const n of NODES) {
      for (const batchMs of ['0', BATCH_MS]) {
        console.error(`scale writes: ${n} node(s), BACKLOT_INTERACTION_BATCH_MS=${batchMs}…`)
        reactions.push(await runLayout(world, n, batchMs))
      }
    }
    printTable(
      reactions.map((r) => ({
        nodes: r.nodes,
        path: r.path,
        'reactions/s': r.reactionsPerSec,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        errors: r.errors,
        'node cpu %': r.nodeCpuPercent,
        'rows = members': r.rowsEqualMembers ? 'yes' : 'NO',
        load: r.loadAverage1m,
      })),
    )
    const gains = NODES.map((n) => {
      const before = reactions.find((r) => r.nodes === n && r.batchMs === 0)!
      const after = reactions.find((r) => r.nodes === n && r.batchMs !== 0)!
      return {
        nodes: n,
        ratio: Number((after.reactionsPerSec / Math.max(1, before.reactionsPerSec)).toFixed(2)),
      }
    })
    console.error('scale writes: PostgreSQL alone (the floor)…')
    const floorRows = await floor(world)
    printTable(floorRows)

    console.error('scale writes: round trips per post…')
    const roundTrips = await countPostRoundTrips(pgUrl)
    const trips = [
      { post: 'text', before: ROUND_TRIPS_BEFORE.text, now: roundTrips.text.count },
      { post: 'album (1 image)', before: ROUND_TRIPS_BEFORE.album, now: roundTrips.album.count },
    ]
    printTable(trips)
    const result = {
      benchmark: 'scale-writes',
      date: new Date().toISOString(),
      machine: { cpus: os.availableParallelism(), node: process.version, loadAverage1m: os.loadavg()[0] },
      settings: { seconds: SECONDS, concurrency: CONCURRENCY, members: MEMBERS, batchMs: Number(BATCH_MS) },
      target: { reactionsPerSecTwoNodes: 20_000, p99Ms: 50, roundTripsPerPost: 5 },
      reactions,
      gains,
      postgresFloor: floorRows,
      roundTripsPerPost: { ...roundTrips, before: ROUND_TRIPS_BEFORE },
    }
    writeResult('scale-writes', result)
    return result
  } finally {
    await dropPostgresSchema(pgUrl, schema)
    const redis = new Redis(redisUrl)
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  await runWrites()
  process.exit(0)
}
