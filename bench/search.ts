import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { type Db, dropPostgresSchema, openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrator.js'
import { createSearchService } from '../src/search/service.js'
import { systemClock } from '../src/util/clock.js'
import { newId } from '../src/util/ids.js'
import { printTable } from './lib/server-process.js'

/**
 * npm run bench:search — issue 19: what a search costs on each database's engine as a channel
 * grows. Seeds POSTS published text posts (every post has the word "set"; one in 1,000 the word
 * "lighthouse"; the rest drawn from a small vocabulary) in one public channel, indexes them the way
 * a server upgraded to search does (`indexMissing`), then times searches across channels as an
 * anonymous reader: a rare word, a common word (matches every post: the engine ranks them all), and
 * two words with a tag filter. Prints a table and writes bench/results/search.json.
 *
 * Usage: npm run bench:search [-- POSTS]   (default 20000; PostgreSQL at BACKLOT_TEST_PG_URL)
 */
const RUNS = 30
const WORDS = ['crane', 'night', 'harbour', 'camera', 'rain', 'script', 'costume', 'lunch', 'stunt', 'drone']
const pgUrl = process.env.BACKLOT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const posts = Number(process.argv[2]) || 20_000
const rows: Record<string, string | number>[] = []
for (const kind of ['sqlite', 'postgres'] as const) rows.push(...(await run(kind, posts)))
printTable(rows)
fs.mkdirSync('bench/results', { recursive: true })
fs.writeFileSync(
  'bench/results/search.json',
  `${JSON.stringify({ posts, runs: RUNS, rows, node: process.version, at: new Date().toISOString() }, null, 2)}\n`,
)

async function run(kind: 'sqlite' | 'postgres', count: number): Promise<Record<string, string | number>[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-bench-search-'))
  const schema = `bench_search_${process.pid}`
  const handle = await openDatabase(
    kind === 'sqlite'
      ? { kind, location: path.join(dir, 'backlot.db'), schema: 'public', sqliteSynchronous: 'normal' }
      : { kind, location: pgUrl, schema },
  )
  try {
    const db = handle.db
    await migrateToLatest(db)
    await seed(db, count)
    const search = createSearchService({ db, clock: systemClock })
    const started = performance.now()
    const indexed = await search.indexMissing()
    const indexSeconds = (performance.now() - started) / 1000
    const queries: [string, Record<string, string>][] = [
      ['rare word', { q: 'lighthouse' }],
      ['common word (all match)', { q: 'set' }],
      ['two words + tag', { q: 'crane night', tag: 'week:3' }],
    ]
    const out: Record<string, string | number>[] = []
    for (const [name, query] of queries) {
      const times: number[] = []
      let found = 0
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now()
        const page = await search.searchAll(null, { ...query, q: query.q!, limit: 20 })
        times.push(performance.now() - t0)
        found = page.items.length
      }
      times.sort((a, b) => a - b)
      out.push({
        database: kind,
        posts: count,
        'index posts/s': Math.round(indexed / indexSeconds),
        query: name,
        'page size': found,
        'p50 ms': Number(times[Math.floor(RUNS / 2)]!.toFixed(2)),
        'p95 ms': Number(times[Math.floor(RUNS * 0.95)]!.toFixed(2)),
      })
    }
    return out
  } finally {
    await handle.close()
    if (kind === 'postgres') await dropPostgresSchema(pgUrl, schema)
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** One account, one public channel, `count` published posts (rows only: `indexMissing` indexes them). */
async function seed(db: Db, count: number): Promise<void> {
  const now = Date.now()
  const accountId = newId()
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
  const channelId = newId()
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
      archived_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute()
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, j) => {
      const i = start + j
      const words = Array.from({ length: 12 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ')
      return {
        id: newId(),
        channel_id: channelId,
        author_id: accountId,
        kind: 'text' as const,
        text: `Day ${i} on set: ${words}${i % 1000 === 0 ? ' at the lighthouse' : ''}`,
        status: 'published' as const,
        publish_at: null,
        published_at: now - (count - i) * 1000,
        edited_at: null,
        deleted_at: null,
        pinned_at: null,
        spoiler_label: null,
        idempotency_key: null,
        idempotency_fingerprint: null,
        created_at: now,
        updated_at: now,
      }
    })
    await db.insertInto('post').values(batch).execute()
    await db
      .insertInto('post_production')
      .values(
        batch
          .filter((_, j) => (start + j) % 10 === 0)
          .map((p, j) => ({
            post_id: p.id,
            channel_id: channelId,
            week_from: (j % 14) + 1,
            week_to: (j % 14) + 1,
            chapters: '[]',
            location: null,
            unit: null,
          })),
      )
      .execute()
  }
}
