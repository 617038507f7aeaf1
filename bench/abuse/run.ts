import fs from 'node:fs'
import path from 'node:path'
import { printTable } from '../lib/server-process.js'
import { runImagesScenario } from './images.js'
import { READS_HEALTHZ_P99_TARGET_MS, runReadsScenario } from './reads.js'

/**
 * npm run bench:abuse — what one or a few hostile accounts or visitors can make the server do
 * (issue 14). Runs each scenario in turn; each starts its own server process, prints its tables
 * and returns its figures, which go together into bench/results/abuse.json.
 *
 * Usage: npm run bench:abuse [-- SCENARIO…]   (default: all)
 */
interface Scenario {
  name: string
  run(): Promise<{ targetsMet: boolean } & Record<string, unknown>>
}

/** Eight anonymous readers of each public page in turn; /healthz must stay under its p99 target. */
async function runReads() {
  const rows = await runReadsScenario()
  printTable(rows)
  const pages = rows.filter((r) => r.page !== 'idle')
  const targetsMet = pages.every((r) => r.healthzP99Ms < READS_HEALTHZ_P99_TARGET_MS && r.errors === 0)
  return { targetsMet, healthzP99TargetMs: READS_HEALTHZ_P99_TARGET_MS, rows }
}

const scenarios: Scenario[] = [
  { name: 'images', run: runImagesScenario },
  { name: 'reads', run: runReads },
]

const chosen = process.argv.slice(2)
const unknown = chosen.filter((name) => !scenarios.some((s) => s.name === name))
if (unknown.length > 0)
  throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`)

const results: Record<string, unknown> = {}
for (const scenario of scenarios) {
  if (chosen.length > 0 && !chosen.includes(scenario.name)) continue
  console.log(`\n## ${scenario.name}\n`)
  results[scenario.name] = await scenario.run()
}

const out = path.resolve(import.meta.dirname, '../results/abuse.json')
fs.mkdirSync(path.dirname(out), { recursive: true })
const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')).scenarios ?? {}) : {}
// A run of some scenarios keeps the last figures of the others.
const result = {
  benchmark: 'abuse',
  date: new Date().toISOString(),
  node: process.version,
  scenarios: { ...previous, ...results },
}
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.error(`wrote ${out}`)
