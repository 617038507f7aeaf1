import { AsyncLocalStorage } from 'node:async_hooks'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import sharp from 'sharp'
import { loadConfig } from '../../src/config/config.js'
import { dropPostgresSchema } from '../../src/db/database.js'
import { startServer } from '../../src/server.js'

/**
 * Database round trips of one post on PostgreSQL (issue 21 part 3), counted at the pg driver: every
 * `Client.query` issued while the server handles the request, up to and including the post's
 * COMMIT — found by an AsyncLocalStorage entered when the request arrives, so background work
 * (timers, the after-commit listeners: push fan-out, federation delivery) is not counted. Creates a text post and an album post (one image)
 * through the API. Used by test/integration/post-round-trips.test.ts and bench/scale/writes.ts;
 * `tsx test/_util/round-trips.ts` prints the queries.
 */
export interface RoundTrips {
  count: number
  queries: string[]
}

/** The request's log, closed once its answer is sent: work it set off for later is not its cost. */
const inRequest = new AsyncLocalStorage<{ queries: string[]; open: boolean }>()
let patched = false

function patchDriver(): void {
  if (patched) return
  patched = true
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const log = inRequest.getStore()
    if (log?.open) {
      const first = args[0] as string | { text?: string }
      log.queries.push(
        (typeof first === 'string' ? first : (first?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 200),
      )
    }
    return query.apply(this, args)
  } as typeof pg.Client.prototype.query
}

export async function countPostRoundTrips(pgUrl: string): Promise<{ text: RoundTrips; album: RoundTrips }> {
  patchDriver()
  const schema = `rt_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-rt-'))
  const config = loadConfig({
    BACKLOT_HOST: '127.0.0.1',
    BACKLOT_PORT: '0',
    BACKLOT_DATA_DIR: dataDir,
    BACKLOT_LOG_LEVEL: 'silent',
    BACKLOT_ARGON2: 'fast',
    BACKLOT_RATE_LIMIT_EXEMPT: '127.0.0.0/8,::1',
    BACKLOT_DATABASE_URL: pgUrl,
    BACKLOT_DATABASE_SCHEMA: schema,
  })
  const server = await startServer(config)
  // Each request runs in its own log; the listener runs first, in the request's own execution.
  let current: string[] | null = null
  server.app.server.prependListener('request', (_req, res) => {
    if (!current) return
    const log = { queries: current, open: true }
    res.once('finish', () => {
      log.open = false
    })
    inRequest.enterWith(log)
  })
  const json = { 'content-type': 'application/json' }
  try {
    const reg = await fetch(`${server.url}/api/v1/accounts`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        handle: 'roundtrips',
        displayName: 'Round trips',
        password: 'round-trips-password',
      }),
    })
    const cookie = reg.headers.get('set-cookie')!.split(';')[0]!
    const tok = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { ...json, cookie, 'x-backlot-csrf': '1' },
      body: JSON.stringify({ name: 'rt', scopes: ['read', 'post', 'channel:admin'] }),
    })
    const { token } = (await tok.json()) as { token: string }
    const auth = { authorization: `Bearer ${token}` }
    await fetch(`${server.url}/api/v1/channels`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ slug: 'round-trips', title: 'Round trips' }),
    })
    const image = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c84' } })
      .jpeg()
      .toBuffer()
    const form = new FormData()
    form.append('alt', 'A test image')
    form.append('file', new Blob([image], { type: 'image/jpeg' }), 'photo.jpg')
    const upload = await fetch(`${server.url}/api/v1/media`, { method: 'POST', headers: auth, body: form })
    const media = (await upload.json()) as { id: string; status?: string }
    for (let i = 0; i < 200; i++) {
      const state = (await (
        await fetch(`${server.url}/api/v1/media/${media.id}`, { headers: auth })
      ).json()) as {
        status?: string
      }
      if (state.status === undefined || state.status === 'ready') break
      await new Promise((r) => setTimeout(r, 50))
    }
    const post = async (body: unknown): Promise<RoundTrips> => {
      // A first post warms what is cached per channel (as on a running server); the second is counted.
      const send = () =>
        fetch(`${server.url}/api/v1/channels/round-trips/posts`, {
          method: 'POST',
          headers: { ...json, ...auth },
          body: JSON.stringify(body),
        })
      const queries: string[] = []
      current = queries
      const res = await send()
      current = null
      const text = await res.text()
      if (res.status !== 201) throw new Error(`post failed: ${res.status} ${text}`)
      // Counted up to the post's COMMIT: after it only the after-commit listeners run (push
      // fan-out, federation delivery, link previews: background by DESIGN rule 3). They inherit
      // the request's async context and land before or after the answer depending on load, so
      // counting them made the figure depend on the machine (CI counted them, a quiet run not).
      const commit = queries.indexOf('commit')
      const counted = commit >= 0 ? queries.slice(0, commit + 1) : queries
      return { count: counted.length, queries }
    }
    await post({ text: 'warm-up' })
    const text = await post({ text: 'Day 12: the crane shot, finally. https://example.com/making-of' })
    const album = await post({ text: 'Weeks 11–14', media: [{ id: media.id }] })
    return { text, album }
  } finally {
    await server.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
    await dropPostgresSchema(pgUrl, schema)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const result = await countPostRoundTrips(
    process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  )
  for (const [name, r] of Object.entries(result)) {
    console.log(`${name}: ${r.count} round trips`)
    for (const q of r.queries) console.log(`  ${q}`)
  }
  process.exit(0)
}
