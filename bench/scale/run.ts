import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

/**
 * npm run bench:scale — issue 21's figures on PostgreSQL + Redis: the write half (writes.ts:
 * reaction changes per second and p99 through 1, 2 and 3 nodes beside the path before, PostgreSQL's
 * floor, round trips per post) and, when it exists, the read half (reads.ts). Each half runs as
 * its own process, as it does alone, and writes its own bench/results/scale-*.json; this script then
 * puts both into bench/results/scale.json, the file issue 21 names.
 */
let failed = false
for (const half of ['writes.ts', 'reads.ts']) {
  const file = path.join(import.meta.dirname, half)
  if (!fs.existsSync(file)) continue
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', env: process.env })
  if (run.status !== 0) {
    console.error(`bench/scale/${half} failed (exit ${run.status ?? run.signal})`)
    failed = true
  }
}
const results = path.join(import.meta.dirname, '..', 'results')
const combined: Record<string, unknown> = {}
for (const half of ['writes', 'reads']) {
  const file = path.join(results, `scale-${half}.json`)
  if (fs.existsSync(file)) combined[half] = JSON.parse(fs.readFileSync(file, 'utf8'))
}
fs.writeFileSync(path.join(results, 'scale.json'), `${JSON.stringify(combined, null, 2)}\n`)
process.exit(failed ? 1 : 0)
