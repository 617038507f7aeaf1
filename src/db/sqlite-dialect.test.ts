import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { openDatabase } from './database.js'

const root = path.resolve(import.meta.dirname, '../..')

it('two processes writing the same SQLite file in read-then-write transactions never hit SQLITE_BUSY', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-sqlite-'))
  const file = path.join(dir, 'shared.db')
  try {
    {
      await using database = await openDatabase({ kind: 'sqlite', location: file, schema: 'public' })
      await sql`create table counter (id integer primary key, seen integer not null)`.execute(database.db)
    }
    const writers = [writer(file), writer(file)]
    await Promise.all(writers.map((w) => w.ready))
    for (const w of writers) w.go()
    const results = await Promise.all(writers.map((w) => w.result))
    // With a deferred BEGIN both would read, then one upgrade to the write lock would fail at once.
    expect(results).toEqual([
      { ok: 150, failed: 0 },
      { ok: 150, failed: 0 },
    ])
    await using database = await openDatabase({ kind: 'sqlite', location: file, schema: 'public' })
    const { rows } = await sql<{ n: number }>`select count(*) as n from counter`.execute(database.db)
    expect(rows[0]!.n).toBe(300)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

/** A writer process (test/_util/sqlite-writer.ts) that starts its transactions on `go()`. */
function writer(file: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/_util/sqlite-writer.ts', file, '150'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let out = ''
  const lines = new Promise<string[]>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      resolve(out.split('\n'))
    })
  })
  return {
    ready: lines,
    go: () => child.stdin.end('go\n'),
    result: new Promise((resolve) => child.once('exit', () => resolve(JSON.parse(out.split('\n')[1]!)))),
  }
}
