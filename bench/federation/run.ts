import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Create, Note } from '@fedify/vocab'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { serveFetch } from '../../test/_util/fedify.js'
import { createLocalInstance } from '../../test/_util/fedify-local.js'
import { writeResult } from '../lib/results.js'
import { printTable } from '../lib/server-process.js'

/**
 * npm run bench:federation — the fan-out of one post to 10,000 remote followers on 500 instances
 * (issue 18 part 2), through Fedify's sendActivity with Backlot's federation infrastructure: the
 * Queue seam (in-process), the database KvStore (SQLite), the guarded outbound client and the
 * delivery-health hooks. The remote instances are one loopback server answering 202 for 500 host
 * names (`i0.test` … `i499.test`, resolved to 127.0.0.1 by the test resolver; the outbound guard's
 * test-only loopback port list lets exactly that port through). Followers share their instance's
 * shared inbox, so one post is 500 signed deliveries, not 10,000.
 *
 * Reported per delivery concurrency (jobs at once on the node): the time sendActivity takes to
 * queue the fan-out, the time to the last delivery, deliveries per second, the process's RSS before
 * and at its peak, and that every instance got exactly one delivery. Writes bench/results/federation.json.
 *
 * Usage: npm run bench:federation [-- FOLLOWERS INSTANCES]   (default 10000 500)
 */
const [followersArg, instancesArg] = process.argv.slice(2).map(Number)
const FOLLOWERS = followersArg || 10_000
const INSTANCES = instancesArg || 500
const CONCURRENCIES = [8, 32]

interface Row extends Record<string, string | number> {
  concurrency: number
  followers: number
  instances: number
  deliveries: number
  queueMs: number
  totalMs: number
  perSecond: number
  rssBeforeMb: number
  rssPeakMb: number
  duplicates: number
}

async function runOnce(concurrency: number): Promise<Row> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-bench-federation-'))
  const handle = await openDatabase({
    kind: 'sqlite',
    location: path.join(dir, 'backlot.db'),
    schema: 'public',
  })
  await migrateToLatest(handle.db)
  const perHost = new Map<string, number>()
  let delivered = 0
  let lastAt = 0
  const inboxes = await serveFetch(async (request) => {
    const host = new URL(request.url).host
    await request.arrayBuffer()
    perHost.set(host, (perHost.get(host) ?? 0) + 1)
    delivered++
    lastAt = performance.now()
    return new Response(null, { status: 202 })
  })
  const local = await createLocalInstance({
    db: handle.db,
    loopbackPorts: [inboxes.port],
    policy: { deliveryConcurrency: concurrency },
  })
  try {
    const recipients = Array.from({ length: FOLLOWERS }, (_, i) => {
      const origin = `http://i${i % INSTANCES}.test:${inboxes.port}`
      return {
        id: new URL(`${origin}/users/f${i}`),
        inboxId: new URL(`${origin}/users/f${i}/inbox`),
        endpoints: { sharedInbox: new URL(`${origin}/inbox`) },
      }
    })
    global.gc?.()
    const rssBefore = process.memoryUsage().rss
    let rssPeak = rssBefore
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
    }, 20)
    const ctx = local.federation.createContext(new URL(local.origin), undefined)
    const started = performance.now()
    await ctx.sendActivity(
      { identifier: 'channel' },
      recipients,
      new Create({
        id: new URL(`${local.origin}/posts/bench#create`),
        actor: ctx.getActorUri('channel'),
        object: new Note({
          id: new URL(`${local.origin}/posts/bench`),
          content: 'Week 14: the last chapter wraps.',
        }),
      }),
      { preferSharedInbox: true },
    )
    const queueMs = performance.now() - started
    while (delivered < INSTANCES) {
      if (performance.now() - started > 600_000)
        throw new Error(`only ${delivered} deliveries after 10 minutes`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    // Anything more would be a duplicate: give it a moment to show up.
    await new Promise((resolve) => setTimeout(resolve, 500))
    clearInterval(sampler)
    const totalMs = lastAt - started
    return {
      concurrency,
      followers: FOLLOWERS,
      instances: INSTANCES,
      deliveries: delivered,
      queueMs: Math.round(queueMs),
      totalMs: Math.round(totalMs),
      perSecond: Math.round((delivered / totalMs) * 1000),
      rssBeforeMb: Math.round(rssBefore / 1e6),
      rssPeakMb: Math.round(Math.max(rssPeak, process.memoryUsage().rss) / 1e6),
      duplicates: [...perHost.values()].reduce((sum, n) => sum + (n - 1), 0),
    }
  } finally {
    await local.close()
    await inboxes.close()
    await handle.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const rows: Row[] = []
for (const concurrency of CONCURRENCIES) rows.push(await runOnce(concurrency))
printTable(rows)
writeResult('federation', {
  at: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  loadAverage: os.loadavg(),
  note: 'One process: Backlot federation infrastructure (in-process queue, SQLite KvStore, guarded client) and the loopback inbox server share it.',
  rows,
})
