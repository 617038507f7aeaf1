import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { dropPostgresSchema, openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { ResumingSubscriber } from '../../test/_util/resuming-stream.js'
import { type BenchNode, startNode } from '../cluster/nodes.js'
import { LiteHttpConnection } from '../interactions/http-lite.js'
import { sampleRss, writeResult } from '../lib/results.js'
import { percentile, printTable, setupChannel } from '../lib/server-process.js'

/**
 * Issue 21, the read half of part 6 (`bench:scale` calls `runReads`; also runs alone:
 * `npm run build && npx tsx bench/scale/reads.ts`):
 * - hot reads: anonymous keep-alive readers load a hot post's public surfaces — its page, the
 *   channel's RSS feed, its oEmbed and the API's GET of it, in turn — for BENCH_SECONDS while a
 *   writer keeps posting (one post a second) and reacting (a reaction set or removed every ~20 ms).
 *   PostgreSQL + Redis, 1, 2 and 3 nodes, each layout twice in the same run: hot reads on
 *   (BACKLOT_HOT_READS=true) and today's path (false). Reads/s in all and per node, p50/p99.
 * - reconnect storm: BENCH_STORM_SUBSCRIBERS (19,000) subscribers on node B of two; B is killed
 *   (SIGKILL) while posts keep coming through A; each subscriber reconnects to A with full-jitter
 *   backoff and resumes from its own position. Time from the kill until every one has resumed and
 *   caught up, A's peak RSS, the streams A shed (503 + Retry-After), and the check: every
 *   subscriber holds exactly the full sequence (missed and doubled events counted).
 * Writes bench/results/scale-reads.json and prints tables. The machine has 2 cores shared with
 * the load generator (and, while this was written, other work): figures are pessimistic.
 *
 * Env: BENCH_PG_URL, BENCH_REDIS_URL, BENCH_SECONDS (8), BENCH_READERS (per node, 16),
 * BENCH_READ_NODES ("1,2,3"), BENCH_STORM_SUBSCRIBERS (19000; 0 skips the storm).
 */
const pgUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const READERS = Number(process.env.BENCH_READERS ?? 16)
const NODE_COUNTS = (process.env.BENCH_READ_NODES ?? '1,2,3').split(',').map(Number)
const STORM_SUBSCRIBERS = Number(process.env.BENCH_STORM_SUBSCRIBERS ?? 19_000)
const WARMUP_MS = 1_000
/** Issue 21 part 2: per node. */
const TARGET = { readsPerSecondPerNode: 5_000, p99Ms: 50 }
/** Descriptors for 19,000 streams on each side plus the rest; raised for this bench only. */
const OPEN_FILES = 65_536

let warnedOpenFiles = false

/** Raises a process's open-file limit (needs root or CAP_SYS_RESOURCE; prlimit from util-linux). */
function raiseOpenFiles(pid: number): void {
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${OPEN_FILES}:${OPEN_FILES}`], {
      stdio: 'ignore',
    })
  } catch {
    // Without the capability the limit stays what the shell gave (`ulimit -n`; 20,000 here, which
    // still holds 19,000 streams on either side).
    if (!warnedOpenFiles) console.error(`open-file limit not raised (prlimit refused); ulimit -n applies`)
    warnedOpenFiles = true
  }
}

async function withCluster<T>(label: string, work: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const schema = `bench_reads_${label}_${process.pid}`
  const config = { kind: 'postgres' as const, location: pgUrl, schema }
  {
    await using database = await openDatabase(config)
    await migrateToLatest(database.db)
  }
  const prefix = `bench:reads:${label}:${process.pid}:`
  try {
    return await work({
      BACKLOT_DATABASE_URL: pgUrl,
      BACKLOT_DATABASE_SCHEMA: schema,
      BACKLOT_REDIS_URL: redisUrl,
      BACKLOT_REDIS_PREFIX: prefix,
      BACKLOT_CONNECTION_LIMIT_EXEMPT: '127.0.0.0/8,::1',
      // Request lines at info would be most of the nodes' work.
      BACKLOT_LOG_LEVEL: 'warn',
    })
  } finally {
    await dropPostgresSchema(pgUrl, schema)
    const redis = new Redis(redisUrl)
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  }
}

async function startNodes(count: number, env: Record<string, string>): Promise<BenchNode[]> {
  const nodes: BenchNode[] = []
  // One after the other: the first migrates nothing (done above) but each compiles its caches.
  for (let i = 0; i < count; i++) nodes.push(await startNode({ ...env, BACKLOT_LOG_LEVEL: 'info' }))
  return nodes
}

async function api(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 ? null : res.json()
}

/** Posts once a second and sets or removes a reaction every ~20 ms until stopped; counts both. */
function keepWriting(url: string, token: string, slug: string, postId: string) {
  let stopped = false
  const counts = { posts: 0, reactions: 0 }
  const posting = (async () => {
    while (!stopped) {
      await api(url, token, 'POST', `/api/v1/channels/${slug}/posts`, { text: `background ${counts.posts}` })
      counts.posts++
      await new Promise((r) => setTimeout(r, 1000))
    }
  })()
  const reacting = (async () => {
    const path = `/api/v1/channels/${slug}/posts/${postId}/reaction`
    while (!stopped) {
      if (counts.reactions % 2 === 0) await api(url, token, 'PUT', path, { emoji: '🔥' })
      else await api(url, token, 'DELETE', path)
      counts.reactions++
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  return {
    async stop() {
      stopped = true
      await Promise.all([posting, reacting])
      return counts
    },
  }
}

interface ReadRow {
  [column: string]: string | number
  nodes: number
  path: string
  readsPerSec: number
  perNode: number
  p50Ms: number
  p99Ms: number
  errors: number
  posts: number
  reactions: number
  load1: number
}

async function measureReads(nodeCount: number, isHot: boolean): Promise<ReadRow> {
  const label = `${nodeCount}${isHot ? 'hot' : 'today'}`
  return withCluster(label, async (env) => {
    const nodes = await startNodes(nodeCount, { ...env, BACKLOT_HOT_READS: String(isHot) })
    try {
      const slug = 'hot'
      const token = await setupChannel(nodes[0]!.url, slug)
      for (let i = 0; i < 20; i++)
        await api(nodes[0]!.url, token, 'POST', `/api/v1/channels/${slug}/posts`, { text: `post ${i}` })
      const hot = (await api(nodes[0]!.url, token, 'POST', `/api/v1/channels/${slug}/posts`, {
        text: 'The hot post everyone links to.',
      })) as { id: string }
      const paths = (node: BenchNode) => [
        `/c/${slug}/p/${hot.id}`,
        `/c/${slug}/feed.rss`,
        `/oembed?url=${encodeURIComponent(`${node.url}/c/${slug}/p/${hot.id}`)}`,
        `/api/v1/channels/${slug}/posts/${hot.id}`,
      ]
      const connections = await Promise.all(
        nodes.flatMap((node) =>
          Array.from({ length: READERS }, async () => ({
            node,
            conn: await LiteHttpConnection.connect(node.host, node.port),
          })),
        ),
      )
      const writer = keepWriting(nodes[0]!.url, token, slug, hot.id)
      const latencies: number[] = []
      let errors = 0
      let measuring = false
      let stopped = false
      const loops = connections.map(async ({ node, conn }, c) => {
        const list = paths(node)
        for (let i = c; !stopped; i++) {
          const start = performance.now()
          const res = await conn.request('GET', list[i % list.length]!, {})
          if (!measuring) continue
          if (res.status === 200) latencies.push(performance.now() - start)
          else errors++
        }
      })
      await new Promise((r) => setTimeout(r, WARMUP_MS))
      measuring = true
      const began = performance.now()
      await new Promise((r) => setTimeout(r, SECONDS * 1000))
      measuring = false
      const elapsed = (performance.now() - began) / 1000
      stopped = true
      await Promise.all(loops)
      for (const { conn } of connections) conn.close()
      const written = await writer.stop()
      const readsPerSec = Math.round(latencies.length / elapsed)
      return {
        nodes: nodeCount,
        path: isHot ? 'hot reads' : "today's",
        readsPerSec,
        perNode: Math.round(readsPerSec / nodeCount),
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        errors,
        posts: written.posts,
        reactions: written.reactions,
        load1: os.loadavg()[0]!,
      }
    } finally {
      await Promise.all(nodes.map((n) => n.stop()))
    }
  })
}

function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

interface StormResult {
  subscribers: number
  subscribeSeconds: number
  /** From the kill until the last subscriber was subscribed again on the survivor. */
  resumeSeconds: number
  /** From the kill until every subscriber held every post (posting lasts ~10 s of it). */
  caughtUpSeconds: number
  survivorRssBeforeMb: number
  survivorPeakRssMb: number
  shed: number
  resets: number
  missed: number
  doubled: number
  postsDuringStorm: number
  load1: number
}

async function measureStorm(subscriberCount: number): Promise<StormResult> {
  raiseOpenFiles(process.pid)
  return withCluster('storm', async (env) => {
    const [a, b] = await startNodes(2, env)
    for (const node of [a!, b!]) for (const pid of node.pids()) raiseOpenFiles(pid)
    const subscribers: ResumingSubscriber[] = []
    try {
      const slug = 'storm'
      const token = await setupChannel(a!.url, slug)
      const opened = performance.now()
      for (let i = 0; i < subscriberCount; i++)
        subscribers.push(new ResumingSubscriber([b!.url, a!.url], slug))
      for (let i = 0; i < subscriberCount; i += 500) {
        await Promise.all(subscribers.slice(i, i + 500).map((s) => s.start()))
      }
      const subscribeSeconds = (performance.now() - opened) / 1000
      const joinedAt = subscribers[0]!.position!.seq
      await api(a!.url, token, 'POST', `/api/v1/channels/${slug}/posts`, { text: 'before the kill' })
      const survivorRssBefore = rssOf(a!.pids()[0]!)
      const rss = sampleRss(() => rssOf(a!.pids()[0]!), 100)
      // Posts keep coming through A while B dies: one every 200 ms for the first 10 s.
      let postsDuringStorm = 0
      const posting = (async () => {
        for (let i = 0; i < 50; i++) {
          await api(a!.url, token, 'POST', `/api/v1/channels/${slug}/posts`, { text: `during ${i}` })
          postsDuringStorm++
          await new Promise((r) => setTimeout(r, 200))
        }
      })()
      const killedAt = Date.now()
      const killed = performance.now()
      process.kill(b!.pids()[0]!, 'SIGKILL')
      await posting
      const total = 1 + postsDuringStorm
      const deadline = Date.now() + 600_000
      while (!subscribers.every((s) => s.subscribedAt > killedAt && s.seqs.length >= total)) {
        if (Date.now() > deadline) break
        await new Promise((r) => setTimeout(r, 100))
      }
      const caughtUpSeconds = (performance.now() - killed) / 1000
      const resumeSeconds = (subscribers.reduce((m, s) => Math.max(m, s.subscribedAt), 0) - killedAt) / 1000
      const peak = rss.stop()
      let missed = 0
      let doubled = 0
      for (const s of subscribers) {
        const seen = new Set(s.seqs)
        doubled += s.seqs.length - seen.size
        for (let seq = joinedAt + 1; seq <= joinedAt + total; seq++) if (!seen.has(seq)) missed++
      }
      return {
        subscribers: subscriberCount,
        subscribeSeconds,
        resumeSeconds,
        caughtUpSeconds,
        survivorRssBeforeMb: Math.round(survivorRssBefore / 1048576),
        survivorPeakRssMb: Math.round(peak / 1048576),
        shed: subscribers.reduce((sum, s) => sum + s.refused, 0),
        resets: subscribers.reduce((sum, s) => sum + s.resets, 0),
        missed,
        doubled,
        postsDuringStorm,
        load1: os.loadavg()[0]!,
      }
    } finally {
      for (const s of subscribers) s.close()
      await Promise.all([a!.stop(), b!.stop()])
    }
  })
}

export async function runReads(): Promise<object> {
  const reads: ReadRow[] = []
  for (const count of NODE_COUNTS) {
    for (const isHot of [true, false]) {
      console.error(`scale-reads: ${count} node(s), ${isHot ? 'hot reads' : "today's path"}…`)
      reads.push(await measureReads(count, isHot))
    }
  }
  const gains = NODE_COUNTS.map((count) => {
    const hot = reads.find((r) => r.nodes === count && r.path === 'hot reads')!
    const today = reads.find((r) => r.nodes === count && r.path !== 'hot reads')!
    return { nodes: count, readsRatio: Number((hot.readsPerSec / today.readsPerSec).toFixed(2)) }
  })
  printTable(reads)
  printTable(gains)
  let storm: StormResult | null = null
  if (STORM_SUBSCRIBERS > 0) {
    console.error(`scale-reads: reconnect storm with ${STORM_SUBSCRIBERS} subscribers…`)
    storm = await measureStorm(STORM_SUBSCRIBERS)
    printTable([storm as unknown as Record<string, number>])
  }
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, load1AtEnd: os.loadavg()[0] },
    settings: { seconds: SECONDS, readersPerNode: READERS, stormSubscribers: STORM_SUBSCRIBERS },
    target: TARGET,
    reads,
    gains,
    storm,
  }
  writeResult('scale-reads', result)
  return result
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runReads().catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}
