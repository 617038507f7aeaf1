import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { dropPostgresSchema, openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { Probe } from '../lib/probe.js'
import { printTable, setupChannel } from '../lib/server-process.js'
import { busHop } from './bus-hop.js'
import { measure } from './measure.js'
import { type BenchNode, socketCount, startNode } from './nodes.js'

/**
 * npm run bench:cluster — fan-out across processes (issue 7):
 * - workers: `serve --workers N` on the embedded defaults (SQLite WAL, IPC bus): 1 and 2 workers
 *   with 19,000 subscribers, and 2 workers with 38,000 (19,000 per worker, the per-process file limit);
 * - nodes: 1, 2 and 3 nodes on PostgreSQL + Redis, the same total subscribers spread evenly, posts
 *   published through the first node;
 * - hop: what the Redis hop adds — the bus alone, and one node with the memory bus against one
 *   node with the Redis bus (few subscribers, so the fan-out does not hide it).
 * Prints tables and writes bench/results/cluster.json.
 *
 * Usage: npm run bench:cluster [-- workers nodes hop]   (default: all three)
 * Env: BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test), BENCH_REDIS_URL (redis://127.0.0.1:6379),
 *      BENCH_NODE_SUBSCRIBERS (total for the nodes runs, default 12000).
 */
const groups = process.argv.slice(2)
const runs = (name: string) => groups.length === 0 || groups.includes(name)
const pgUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const nodeSubscribers = Number(process.env.BENCH_NODE_SUBSCRIBERS ?? 12_000)

type Result = Awaited<ReturnType<typeof measure>> & { scenario: string; layout: string }

/** A fresh migrated PostgreSQL schema and Redis prefix per scenario, removed afterwards. */
async function withCluster<T>(label: string, work: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const schema = `bench_${label}_${process.pid}`
  const config = { kind: 'postgres' as const, location: pgUrl, schema }
  {
    await using database = await openDatabase(config)
    await migrateToLatest(database.db)
  }
  const prefix = `bench:${label}:${process.pid}:`
  try {
    return await work({
      BACKLOT_DATABASE_URL: pgUrl,
      BACKLOT_DATABASE_SCHEMA: schema,
      BACKLOT_REDIS_PREFIX: prefix,
    })
  } finally {
    await dropPostgresSchema(pgUrl, schema)
    const redis = new Redis(redisUrl)
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  }
}

async function scenario(
  name: string,
  layout: string,
  nodes: BenchNode[],
  spread: number[],
  posts: { single: number; burst: number },
  probe?: Probe,
): Promise<Result> {
  // Open sockets per server process once everyone joined: shows how streams spread over workers.
  const inspect = () => ({ socketsPerProcess: nodes.flatMap((n) => n.pids().map(socketCount)) })
  console.error(`cluster: ${name} (${layout}), ${spread.reduce((a, b) => a + b, 0)} subscribers…`)
  try {
    const token = await setupChannel(nodes[0]!.url, 'bench')
    const result = await measure({
      nodes,
      token,
      spread,
      singlePosts: posts.single,
      burstPosts: posts.burst,
      inspect,
      probe,
      label: `${name}-${layout.replace(/\W+/g, '-')}-${spread.reduce((a, b) => a + b, 0)}`,
    })
    return { scenario: name, layout, ...result }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()))
    probe?.remove()
  }
}

const results: Result[] = []
let hop: Awaited<ReturnType<typeof busHop>> | undefined
const out = path.resolve(import.meta.dirname, '../results/cluster.json')
const previous = fs.existsSync(out)
  ? (JSON.parse(fs.readFileSync(out, 'utf8')) as { results?: Result[]; busHop?: unknown })
  : {}

async function record(measured: Promise<Result>): Promise<void> {
  results.push(await measured)
  save()
}

/** Writes what was measured so far; a partial run (one group) keeps the other groups' last results. */
function save(): void {
  // Scenarios not run this time keep their last results; the ones run now replace theirs.
  const kept = (previous.results ?? []).filter((r) => !runs(r.scenario))
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: 'cluster',
        date: new Date().toISOString(),
        machine: { cpus: os.availableParallelism(), node: process.version, loadAverage: os.loadavg() },
        results: [...kept, ...results],
        busHop: hop ?? previous.busHop,
      },
      null,
      2,
    )}\n`,
  )
}

if (runs('workers')) {
  const layouts = [
    { layout: '1 process', workers: 1, subscribers: 19_000, burst: 200 },
    { layout: '2 workers', workers: 2, subscribers: 19_000, burst: 200 },
    { layout: '2 workers', workers: 2, subscribers: 38_000, burst: 100 },
  ]
  for (const { layout, workers, subscribers, burst } of layouts) {
    const probe = new Probe()
    const node = await startNode({}, workers, probe)
    await record(scenario('workers', layout, [node], [subscribers], { single: 20, burst }, probe))
  }
}

if (runs('nodes')) {
  for (const count of [1, 2, 3]) {
    await withCluster(`n${count}`, async (env) => {
      const probe = new Probe()
      const nodes = await Promise.all(
        Array.from({ length: count }, () => startNode({ ...env, BACKLOT_REDIS_URL: redisUrl }, 1, probe)),
      )
      const spread = nodes.map(
        (_, i) => Math.floor(nodeSubscribers / count) + (i < nodeSubscribers % count ? 1 : 0),
      )
      await record(
        scenario(
          'nodes',
          `${count} node${count > 1 ? 's' : ''} (PG+Redis)`,
          nodes,
          spread,
          { single: 20, burst: 200 },
          probe,
        ),
      )
    })
  }
}

if (runs('hop')) {
  console.error('cluster: bus hop alone…')
  hop = await busHop(redisUrl)
  for (const bus of ['memory', 'redis'] as const) {
    await withCluster(`hop${bus}`, async (env) => {
      const probe = new Probe()
      const node = await startNode(bus === 'redis' ? { ...env, BACKLOT_REDIS_URL: redisUrl } : env, 1, probe)
      await record(
        scenario('hop', `1 node (PG, ${bus} bus)`, [node], [100], { single: 300, burst: 100 }, probe),
      )
    })
  }
  // The same comparison at fan-out scale.
  for (const bus of ['memory', 'redis'] as const) {
    await withCluster(`hopbig${bus}`, async (env) => {
      const probe = new Probe()
      const node = await startNode(bus === 'redis' ? { ...env, BACKLOT_REDIS_URL: redisUrl } : env, 1, probe)
      await record(
        scenario(
          'hop',
          `1 node (PG, ${bus} bus)`,
          [node],
          [nodeSubscribers],
          { single: 20, burst: 100 },
          probe,
        ),
      )
    })
  }
}

printTable(
  results.map((r) => ({
    scenario: r.scenario,
    layout: r.layout,
    subscribers: r.subscribers,
    'all delivered': r.allDelivered ? 'yes' : `NO (${r.missing} missing)`,
    dups: r.duplicates,
    'single p50 ms': r.singleP50Ms,
    'single p99 ms': r.singleP99Ms,
    'server p50 ms': r.singleServerP50Ms,
    'server p99 ms': r.singleServerP99Ms,
    'burst deliveries/s': r.burstDeliveriesPerSec,
    'events/write': r.burstEventsPerWrite,
    'cpu µs/delivery': r.serverCpuMicrosPerDelivery,
  })),
)
if (hop) {
  console.log('\nbus hop alone (publish on one bus instance → receive on another):')
  printTable([
    { bus: 'memory', 'p50 ms': hop.memory.p50Ms, 'p99 ms': hop.memory.p99Ms, 'max ms': hop.memory.maxMs },
    { bus: 'redis', 'p50 ms': hop.redis.p50Ms, 'p99 ms': hop.redis.p99Ms, 'max ms': hop.redis.maxMs },
  ])
}
save()
console.error(`wrote ${out}`)
