import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { createLogger } from '../../src/logger.js'
import { createReachService } from '../../src/reach/index.js'
import { newId } from '../../src/util/ids.js'
import { LiteHttpConnection } from '../interactions/http-lite.js'
import { percentile, printTable, setupChannel, startServerProcess } from '../lib/server-process.js'

/**
 * npm run bench:reach — what counting reach (issue 19 part 5) costs a public page.
 *
 * A server process answers anonymous reads of a post page (served from the page cache) and of its
 * embed (with a Referer) from BENCH_CONCURRENCY keep-alive connections for BENCH_SECONDS each, with
 * BACKLOT_REACH_COUNTING=false and then true. Every request claims a different client address
 * (X-Forwarded-For from a trusted proxy), so with counting on each one is a new visitor (and no address reaches its `pages` rate limit): a visitor
 * hash to keep and write — the worst case for the counter. The difference is the cost per request.
 * Rounds alternate so drift on a shared machine shows instead of passing for a cost.
 *
 * First, in process: what `ReachService.record` costs per call (bot test, visitor hash, tally) and how
 * long one flush of 4,000 new visitors holds the event loop on SQLite (better-sqlite3 is synchronous).
 *
 * Prints a table and writes bench/results/reach.json. Env: BENCH_SECONDS (5), BENCH_CONCURRENCY (32),
 * BENCH_ROUNDS (2).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const resultsDir = path.resolve(import.meta.dirname, '../results')
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

/** A distinct (private) client address per request: every request is a new visitor. */
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`

/** `record` per call and one flush, in this process, on a fresh SQLite database with one post. */
async function inProcess() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-bench-reach-'))
  const handle = await openDatabase({
    kind: 'sqlite',
    location: path.join(dataDir, 'backlot.db'),
    schema: 'public',
  })
  try {
    await migrateToLatest(handle.db)
    const db = handle.db
    const now = Date.now()
    const [accountId, channelId, postId] = [newId(), newId(), newId()]
    await db
      .insertInto('account')
      .values({
        id: accountId,
        handle: 'bench',
        display_name: 'Bench',
        password_hash: null,
        email: null,
        created_at: now,
      })
      .execute()
    await db
      .insertInto('channel')
      .values({
        id: channelId,
        slug: 'bench',
        title: 'Bench',
        description: '',
        visibility: 'public',
        join_policy: 'open',
        reaction_set: null,
        production: null,
        last_seq: 0,
        require_approval: 0,
        archived_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
    await db
      .insertInto('post')
      .values({
        id: postId,
        channel_id: channelId,
        author_id: accountId,
        kind: 'text',
        text: 'Day 1',
        status: 'published',
        publish_at: null,
        published_at: now,
        edited_at: null,
        deleted_at: null,
        pinned_at: null,
        spoiler_label: null,
        idempotency_key: null,
        idempotency_fingerprint: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
    const reach = createReachService({ db, clock: { now: () => Date.now() }, logger: createLogger('warn') })
    const hit = { surface: 'embed' as const, postId, origin: 'https://news.example' }
    // The day's salt is loaded by the first visitor; then a warm-up, then the measured calls.
    reach.record(hit, { address: '10.255.255.255', userAgent: BROWSER })
    await new Promise((resolve) => setTimeout(resolve, 100))
    for (let i = 0; i < 20_000; i++)
      reach.record(hit, { address: address(1_000_000 + i), userAgent: BROWSER })
    await reach.flush()
    const calls = 4_000
    const started = performance.now()
    for (let i = 0; i < calls; i++) reach.record(hit, { address: address(i), userAgent: BROWSER })
    const recordUs = ((performance.now() - started) * 1000) / calls
    const flushStarted = performance.now()
    await reach.flush()
    const flushMs = performance.now() - flushStarted
    await reach.close()
    return [
      { what: 'record(), per call (new visitor)', value: recordUs.toFixed(1), unit: 'µs' },
      { what: `flush of ${calls} new visitors, SQLite`, value: flushMs.toFixed(1), unit: 'ms' },
    ]
  } finally {
    await handle.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function load(port: number, request: (c: LiteHttpConnection, i: number) => Promise<number>) {
  const connections = await Promise.all(
    Array.from({ length: CONCURRENCY }, () => LiteHttpConnection.connect('127.0.0.1', port)),
  )
  const statuses = new Map<number, number>()
  const latencies: number[] = []
  const deadline = performance.now() + SECONDS * 1000
  let count = 0
  await Promise.all(
    connections.map(async (c, n) => {
      for (let i = n; performance.now() < deadline; i += CONCURRENCY) {
        const started = performance.now()
        const status = await request(c, i)
        latencies.push(performance.now() - started)
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        count++
      }
    }),
  )
  for (const c of connections) c.close()
  return {
    perSecond: Math.round(count / SECONDS),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses: Object.fromEntries(statuses),
  }
}

async function serverRun(counting: boolean) {
  const server = await startServerProcess({
    BACKLOT_REACH_COUNTING: String(counting),
    BACKLOT_TRUST_PROXY: '1',
  })
  try {
    const token = await setupChannel(server.url, 'bench')
    const post = await fetch(`${server.url}/api/v1/channels/bench/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Day 1 on set' }),
    }).then((res) => res.json() as Promise<{ id: string }>)
    const headers = (i: number) => ({ 'x-forwarded-for': address(i), 'user-agent': BROWSER })
    const pages = await load(server.port, (c, i) =>
      c.request('GET', `/c/bench/p/${post.id}`, headers(i)).then((r) => r.status),
    )
    const embeds = await load(server.port, (c, i) =>
      c
        .request('GET', `/embed/p/${post.id}`, { ...headers(i), referer: `https://site${i % 20}.example/a` })
        .then((r) => r.status),
    )
    const mode = counting ? 'counting' : 'not counting'
    return [
      { what: `post page, ${mode}`, ...pages },
      { what: `embed, ${mode}`, ...embeds },
    ]
  } finally {
    await server.stop()
  }
}

const micro = await inProcess()
printTable(micro)
console.log()
const rows = []
for (let round = 0; round < ROUNDS; round++)
  rows.push(...(await serverRun(false)), ...(await serverRun(true)))
printTable(rows.map(({ statuses, ...r }) => ({ ...r, statuses: JSON.stringify(statuses) })))
fs.mkdirSync(resultsDir, { recursive: true })
fs.writeFileSync(
  path.join(resultsDir, 'reach.json'),
  `${JSON.stringify({ at: new Date().toISOString(), loadAverage: os.loadavg(), seconds: SECONDS, concurrency: CONCURRENCY, micro, rows }, null, 2)}\n`,
)
