import { fork } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../../src/config/config.js'
import { createRequestLimits } from '../../src/http/request-limits.js'
import { serveRateLimits } from '../../src/kv/ipc-rate-limiter.js'
import { createRateLimiter } from '../../src/kv/rate-limiter.js'
import { RedisRateLimiter } from '../../src/kv/redis-rate-limiter.js'
import { createLogger } from '../../src/logger.js'
import { systemClock } from '../../src/util/clock.js'
import { LiteHttpConnection } from '../interactions/http-lite.js'
import { percentile, printTable, setupChannel, startServerProcess } from '../lib/server-process.js'

/**
 * npm run bench:rate-limits — what the per-route rate limits (issue 14, item 5) cost.
 *
 * 1. The check itself: in-process counters (one node), and one Redis round trip (cluster mode).
 * 2. A server process answering anonymous reads (one hit: the address) and reactions (two hits:
 *    address and account) from BENCH_CONCURRENCY keep-alive connections for BENCH_SECONDS each,
 *    with every request exempt (BACKLOT_RATE_LIMIT_EXEMPT) and then counted against limits too high to
 *    refuse anything. The difference is the hook's cost per request. Then the same with
 *    `serve --workers N`, where the counters live in the cluster primary (one IPC round trip per
 *    hit).
 *
 * Prints a table and writes bench/results/rate-limits.json. Env: BENCH_SECONDS (5),
 * BENCH_CONCURRENCY (32), BENCH_ROUNDS (2), BENCH_WORKERS (2; 1 skips the --workers run), BENCH_REDIS_URL (redis://127.0.0.1:6379; "off" skips Redis).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const BACKLOT_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2)
const resultsDir = path.resolve(import.meta.dirname, '../results')

async function inProcessCheck() {
  const limits = createRequestLimits({
    rateLimiter: createRateLimiter(systemClock),
    config: loadConfig({ BACKLOT_RATE_LIMIT_REACTIONS: '1000000/1m' }).rateLimits,
  })
  const checks = 1_000_000
  const started = performance.now()
  for (let i = 0; i < checks; i++) {
    await limits.check('reactions', { accountId: `a${i % 10_000}`, address: `2001:db8:${i % 5000}::1` })
  }
  const ms = performance.now() - started
  const meanUs = (ms * 1000) / checks
  return {
    what: 'check, in process (address + account)',
    count: checks,
    meanUs,
    p50Us: '-',
    p99Us: '-',
    perSecond: Math.round(1e6 / meanUs),
  }
}

async function redisHits() {
  const logger = createLogger('silent')
  const redis = await RedisRateLimiter.connect(
    { url: BACKLOT_REDIS_URL, prefix: `bench:${process.pid}:` },
    logger,
  )
  try {
    const latencies: number[] = []
    for (let i = 0; i < 5000; i++) {
      const started = performance.now()
      await redis.hit(`rl:bench:a:${i % 100}`, 1_000_000, 60_000)
      latencies.push(performance.now() - started)
    }
    return { what: 'one hit, Redis round trip', ...latencyRow(latencies), perSecond: '-' }
  } finally {
    await redis.close()
  }
}

/** One hit from a forked process to this one over IPC, as a `--workers` worker asks the primary. */
async function ipcHits() {
  const child = fork(path.join(import.meta.dirname, 'ipc-worker.ts'), { execArgv: ['--import', 'tsx'] })
  const stop = serveRateLimits(child, createRateLimiter(systemClock))
  const result = await new Promise<{ latencies: number[]; perSecond: number }>((resolve, reject) => {
    child.on('message', (message) => {
      if (typeof message === 'object' && message !== null && 'latencies' in message) resolve(message as never)
    })
    child.once('exit', (code) => reject(new Error(`IPC worker exited with ${code}`)))
  })
  stop()
  return {
    what: 'one hit, IPC to the primary (--workers)',
    ...latencyRow(result.latencies),
    perSecond: result.perSecond,
  }
}

function latencyRow(latencies: number[]) {
  const us = (ms: number) => Math.round(ms * 1000)
  return {
    count: latencies.length,
    meanUs: us(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    p50Us: us(percentile(latencies, 50)),
    p99Us: us(percentile(latencies, 99)),
  }
}

/** Requests per second from CONCURRENCY connections running `request` for SECONDS. */
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

async function serverRun(mode: 'exempt' | 'counted', workers = 1) {
  const env: Record<string, string> = {
    BACKLOT_RATE_LIMIT_EXEMPT: mode === 'exempt' ? '127.0.0.0/8' : '',
    BACKLOT_RATE_LIMIT_READS: '1000000/1m',
    BACKLOT_RATE_LIMIT_REACTIONS: '1000000/1m',
  }
  const server = await startServerProcess(env, { args: workers > 1 ? ['--workers', String(workers)] : [] })
  try {
    const token = await setupChannel(server.url, 'bench')
    const post = await fetch(`${server.url}/api/v1/channels/bench/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Day 1' }),
    }).then((res) => res.json() as Promise<{ id: string }>)
    const reads = await load(server.port, (c) =>
      c.request('GET', '/api/v1/channels/bench', {}).then((r) => r.status),
    )
    const emojis = ['❤️', '🔥']
    const reactionPath = `/api/v1/channels/bench/posts/${post.id}/reaction`
    const reactions = await load(server.port, (c, i) =>
      c
        .request(
          'PUT',
          reactionPath,
          { authorization: `Bearer ${token}` },
          JSON.stringify({ emoji: emojis[i % 2] }),
        )
        .then((r) => r.status),
    )
    const where = workers > 1 ? `, ${workers} workers (counters in the primary)` : ''
    return [
      { what: `anonymous reads, ${mode}${where}`, ...reads },
      { what: `reactions (one account), ${mode}${where}`, ...reactions },
    ]
  } finally {
    await server.stop()
  }
}

const checks: Record<string, string | number>[] = [await inProcessCheck(), await ipcHits()]
if (BACKLOT_REDIS_URL !== 'off') checks.push(await redisHits())
printTable(checks)
console.log()
// Two rounds, alternating, so drift on a shared machine shows instead of passing for a cost.
const requests = []
for (let round = 0; round < ROUNDS; round++) {
  requests.push(...(await serverRun('exempt')), ...(await serverRun('counted')))
}
// serve --workers N without Redis: every hit is an IPC round trip to the primary.
if (WORKERS > 1)
  requests.push(...(await serverRun('exempt', WORKERS)), ...(await serverRun('counted', WORKERS)))
printTable(requests.map(({ statuses, ...r }) => ({ ...r, statuses: JSON.stringify(statuses) })))
fs.mkdirSync(resultsDir, { recursive: true })
fs.writeFileSync(
  path.join(resultsDir, 'rate-limits.json'),
  `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, concurrency: CONCURRENCY, checks, requests }, null, 2)}\n`,
)
