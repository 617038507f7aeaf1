import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pool } from '../lib/pool.js'
import { percentile, printTable, setupChannel, startServerProcess } from '../lib/server-process.js'
import { connectLite, maskedTextFrame } from '../lib/ws-lite.js'
import { LiteHttpConnection } from './http-lite.js'

/**
 * npm run bench:interactions — one server process on the embedded defaults (SQLite, memory bus),
 * 1,000 fans (registered through the API, argon2 in its fast profile), one hot post, and sustained
 * reactions over HTTP from a fixed number of keep-alive connections for DURATION seconds. Every
 * request changes the fan's reaction (a real write each time). Meanwhile one WebSocket subscriber
 * follows the channel and counts the `counts` frames it receives. Then text posts are created one at
 * a time (issue 2: the latency of a POST).
 *
 * Prints a table and writes bench/results/interactions.json (interactions-postgres.json on
 * PostgreSQL). Env: BENCH_SECONDS (10), BENCH_CONCURRENCY (32), BENCH_PROFILE=1 (server writes a .cpuprofile to
 * bench/results/profile/), BENCH_NODE_OPTIONS (more server flags), BENCH_TEXT_POSTS (300),
 * BENCH_LOG_LEVEL (warn; `info` is the production default), BACKLOT_DATABASE_URL / BACKLOT_DATABASE_SCHEMA (run
 * against PostgreSQL instead).
 */
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP_S = 2
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const MEMBERS = 1000
const TEXT_POSTS = Number(process.env.BENCH_TEXT_POSTS ?? 300)
const EMOJIS = ['❤️', '😂', '😮', '😢', '🔥', '👏']
const resultsDir = path.resolve(import.meta.dirname, '../results')

const env: Record<string, string> = {}
if (process.env.BACKLOT_DATABASE_URL) env.BACKLOT_DATABASE_URL = process.env.BACKLOT_DATABASE_URL
if (process.env.BACKLOT_DATABASE_SCHEMA) env.BACKLOT_DATABASE_SCHEMA = process.env.BACKLOT_DATABASE_SCHEMA
// Durability against speed (docs/operations.md, "Durability"): set to `normal` to measure what FULL costs.
if (process.env.BACKLOT_SQLITE_SYNCHRONOUS)
  env.BACKLOT_SQLITE_SYNCHRONOUS = process.env.BACKLOT_SQLITE_SYNCHRONOUS
// The server logs at warn unless told (its JSON lines go to this process's stdout).
if (process.env.BENCH_LOG_LEVEL) env.BACKLOT_LOG_LEVEL = process.env.BENCH_LOG_LEVEL
if (process.env.BENCH_PROFILE) {
  fs.mkdirSync(path.join(resultsDir, 'profile'), { recursive: true })
  env.NODE_OPTIONS = `--require ${path.join(import.meta.dirname, 'profile-preload.cjs')}`
  env.BENCH_PROFILE_DIR = path.join(resultsDir, 'profile')
}
// Extra server flags for ad-hoc measurements (a --require preload that times SQL, say).
if (process.env.BENCH_NODE_OPTIONS) {
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${process.env.BENCH_NODE_OPTIONS}`.trim()
}

/** Registers fan i (gets a session cookie) and joins the channel with it. */
async function createFan(url: string, i: number): Promise<string> {
  const json = { 'content-type': 'application/json' }
  const reg = await fetch(`${url}/api/v1/accounts`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ handle: `fan${i}`, displayName: `Fan ${i}`, password: `fan-password-${i}` }),
  })
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`)
  const cookie = reg.headers.get('set-cookie')!.split(';')[0]!
  await reg.arrayBuffer()
  const join = await fetch(`${url}/api/v1/channels/bench/members`, {
    method: 'POST',
    headers: { ...json, cookie, 'x-backlot-csrf': '1' },
    body: '{}',
  })
  if (join.status !== 201) throw new Error(`join failed: ${join.status} ${await join.text()}`)
  await join.arrayBuffer()
  return cookie
}

/** One WebSocket subscriber on the channel: frame counts by type, and the last counts frame. */
async function subscribe(host: string, port: number) {
  const stats = { frames: 0, counts: 0, countsTimes: [] as number[], lastCounts: '' }
  let resolveSubscribed: () => void = () => undefined
  const subscribed = new Promise<void>((r) => {
    resolveSubscribed = r
  })
  const socket = await connectLite(
    { host, port, path: '/api/v1/stream' },
    {
      onText(payload) {
        stats.frames++
        const text = payload.toString('utf8')
        if (text.startsWith('{"type":"counts"')) {
          stats.counts++
          stats.countsTimes.push(performance.now())
          stats.lastCounts = text
        } else if (text.startsWith('{"type":"subscribed"')) resolveSubscribed()
      },
      onClose() {},
    },
  )
  socket.write(maskedTextFrame(JSON.stringify({ op: 'subscribe', channel: 'bench' })))
  await subscribed
  return { stats, close: () => socket.destroy() }
}

async function load(
  server: { host: string; port: number },
  postPath: string,
  cookies: string[],
  seconds: number,
  counter: { next: number; perFan: number[] },
) {
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  const connections = await Promise.all(
    Array.from({ length: CONCURRENCY }, () => LiteHttpConnection.connect(server.host, server.port)),
  )
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    connections.map(async (conn) => {
      while (performance.now() < deadline) {
        const fan = counter.next++ % cookies.length
        // Always a different emoji than the fan's current one: every request is a real write.
        const emoji = EMOJIS[(fan + counter.perFan[fan]!++) % EMOJIS.length]
        const t0 = performance.now()
        const res = await conn.request(
          'PUT',
          postPath,
          { cookie: cookies[fan]!, 'x-backlot-csrf': '1' },
          JSON.stringify({ emoji }),
        )
        latencies.push(performance.now() - t0)
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  for (const conn of connections) conn.close()
  return { latencies, statuses, elapsed }
}

/**
 * Issue 2's figure: POST of a text post, one at a time on one keep-alive connection (the channel
 * has its 1,000 members and a live subscriber, so every post is also a `post.published` frame).
 * Server CPU per post includes what a post sets off after its answer (push fan-out, stream frame).
 */
async function postTexts(server: { host: string; port: number; cpuSeconds(): number }, token: string) {
  const conn = await LiteHttpConnection.connect(server.host, server.port)
  const headers = { authorization: `Bearer ${token}` }
  const body = JSON.stringify({
    text: 'Day 12: the crane shot, finally. Thanks to everyone who stayed late.',
  })
  const send = async () => {
    const res = await conn.request('POST', '/api/v1/channels/bench/posts', headers, body)
    if (res.status !== 201) throw new Error(`post failed: ${res.status} ${res.body}`)
  }
  for (let i = 0; i < 20; i++) await send() // warm-up
  const latencies: number[] = []
  const cpu0 = server.cpuSeconds()
  for (let i = 0; i < TEXT_POSTS; i++) {
    const t0 = performance.now()
    await send()
    latencies.push(performance.now() - t0)
  }
  const cpu = server.cpuSeconds() - cpu0
  conn.close()
  return {
    posts: TEXT_POSTS,
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    serverCpuMicrosPerPost: Math.round((cpu * 1e6) / TEXT_POSTS),
  }
}

const server = await startServerProcess(env)
try {
  const ownerToken = await setupChannel(server.url, 'bench')
  const created = await fetch(`${server.url}/api/v1/channels/bench/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
    body: JSON.stringify({ text: 'The hot post: react!' }),
  })
  const post = (await created.json()) as { id: string }
  console.error(`interactions: registering ${MEMBERS} fans…`)
  const cookies = await pool(16, MEMBERS, (i) => createFan(server.url, i))
  const subscriber = await subscribe(server.host, server.port)
  const postPath = `/api/v1/channels/bench/posts/${post.id}/reaction`
  const counter = { next: 0, perFan: new Array<number>(MEMBERS).fill(0) }

  console.error(`interactions: warm-up ${WARMUP_S} s, then ${DURATION_S} s at concurrency ${CONCURRENCY}…`)
  await load(server, postPath, cookies, WARMUP_S, counter)
  const framesBefore = subscriber.stats.frames
  const countsBefore = subscriber.stats.counts
  const loadBefore = Number(os.loadavg()[0]!.toFixed(2))
  const cpu0 = server.cpuSeconds()
  const run = await load(server, postPath, cookies, DURATION_S, counter)
  const cpu = server.cpuSeconds() - cpu0
  const frames = subscriber.stats.frames - framesBefore
  const countsFrames = subscriber.stats.counts - countsBefore

  // Activity stopped: the next counts frame (within a second) must carry the database's numbers.
  await new Promise((r) => setTimeout(r, 1500))
  const view = (await (
    await fetch(`${server.url}/api/v1/channels/bench/posts/${post.id}`, {
      headers: { authorization: `Bearer ${ownerToken}` },
    })
  ).json()) as { reactions: { counts: { emoji: string; count: number }[]; total: number } }
  const last = JSON.parse(subscriber.stats.lastCounts) as {
    posts: { id: string; reactions: { counts: unknown[]; total: number } }[]
  }
  const lastEntry = last.posts.find((p) => p.id === post.id)
  const finalExact =
    view.reactions.total === MEMBERS &&
    JSON.stringify(lastEntry?.reactions.counts) === JSON.stringify(view.reactions.counts)
  const gaps = subscriber.stats.countsTimes.slice(1).map((t, i) => t - subscriber.stats.countsTimes[i]!)
  console.error(`interactions: ${TEXT_POSTS} text posts, one at a time…`)
  const posting = await postTexts(server, ownerToken)
  subscriber.close()

  const ok = run.statuses.get(200) ?? 0
  const result = {
    database: env.BACKLOT_DATABASE_URL ? 'postgres' : 'sqlite',
    members: MEMBERS,
    concurrency: CONCURRENCY,
    seconds: Number(run.elapsed.toFixed(2)),
    reactions: ok,
    errors: run.latencies.length - ok,
    statuses: Object.fromEntries(run.statuses),
    reactionsPerSec: Math.round(ok / run.elapsed),
    p50Ms: Number(percentile(run.latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(run.latencies, 99).toFixed(2)),
    maxMs: Number(Math.max(...run.latencies).toFixed(2)),
    countsFramesPerSec: Number((countsFrames / run.elapsed).toFixed(2)),
    streamFramesPerSec: Number((frames / run.elapsed).toFixed(2)),
    minMsBetweenCountsFrames: gaps.length ? Number(Math.min(...gaps).toFixed(1)) : null,
    finalCountsExact: finalExact,
    serverCpuPercent: Math.round((cpu / run.elapsed) * 100),
    serverCpuMicrosPerReaction: Math.round((cpu * 1e6) / Math.max(1, ok)),
    rssMB: Number((server.rss() / 1048576).toFixed(1)),
    textPosts: posting,
  }
  printTable([
    {
      db: result.database,
      conc: result.concurrency,
      'reactions/s': result.reactionsPerSec,
      'p50 ms': result.p50Ms,
      'p99 ms': result.p99Ms,
      errors: result.errors,
      'counts frames/s': result.countsFramesPerSec,
      'stream frames/s': result.streamFramesPerSec,
      'final exact': result.finalCountsExact ? 'yes' : 'NO',
      'server cpu %': result.serverCpuPercent,
      'cpu µs/reaction': result.serverCpuMicrosPerReaction,
      'post p50 ms': posting.p50Ms,
      'cpu µs/post': posting.serverCpuMicrosPerPost,
    },
  ])
  console.error(
    `load average (1 min) when the run started: ${loadBefore} on ${os.availableParallelism()} CPUs`,
  )
  const target = { reactionsPerSec: 5000, p99Ms: 50 }
  const out = path.join(
    resultsDir,
    env.BACKLOT_DATABASE_URL ? 'interactions-postgres.json' : 'interactions.json',
  )
  fs.mkdirSync(resultsDir, { recursive: true })
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: 'interactions',
        date: new Date().toISOString(),
        machine: { cpus: os.availableParallelism(), node: process.version, loadAverage1m: loadBefore },
        target,
        meetsTarget: result.reactionsPerSec >= target.reactionsPerSec && result.p99Ms < target.p99Ms,
        result,
      },
      null,
      2,
    )}\n`,
  )
  console.error(`wrote ${out}`)
} finally {
  await server.stop()
}
