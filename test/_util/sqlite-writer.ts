import { sql } from 'kysely'
import { openDatabase } from '../../src/db/database.js'

/**
 * Child process for src/db/sqlite-dialect.test.ts: runs read-then-write transactions on a shared
 * SQLite file, as a `serve --workers` worker does, and prints how many succeeded and failed.
 */
const [file, countText] = process.argv.slice(2)
const database = await openDatabase({ kind: 'sqlite', location: file!, schema: 'public' })
// Start together with the other writer: say ready, wait for the test's "go" on stdin.
process.stdout.write('ready\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
process.stdin.pause()
let ok = 0
let failed = 0
for (let i = 0; i < Number(countText); i++) {
  try {
    await database.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from counter`.execute(tx)
      // Give the other process a chance to start its own transaction between the read and the write.
      await new Promise((resolve) => setTimeout(resolve, 2))
      await sql`insert into counter (seen) values (${rows[0]!.n})`.execute(tx)
    })
    ok++
  } catch {
    failed++
  }
}
await database.close()
process.stdout.write(`${JSON.stringify({ ok, failed })}\n`)
