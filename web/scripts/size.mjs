// Prints the gzipped size of the fan view's JavaScript — the entry chunk and every chunk it imports
// statically (the studio and analytics are dynamic imports, not counted) — and fails the build
// when it passes the budget (issue 5: under 80 KB gzipped).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET = 80 * 1024
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const manifest = JSON.parse(await readFile(path.join(dist, '.vite', 'manifest.json'), 'utf8'))

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry && k.endsWith('index.html'))
if (!entry) throw new Error('no index.html entry in the Vite manifest')

const seen = new Set()
const walk = (key) => {
  if (seen.has(key)) return
  seen.add(key)
  for (const dep of manifest[key].imports ?? []) walk(dep)
}
walk(entry)

const kb = (n) => `${(n / 1024).toFixed(1)} KB`
let raw = 0
let gz = 0
const rows = []
for (const key of seen) {
  const file = manifest[key].file
  const bytes = await readFile(path.join(dist, file))
  const g = gzipSync(bytes, { level: 9 }).length
  raw += bytes.length
  gz += g
  rows.push(`  ${file.padEnd(44)} ${kb(bytes.length).padStart(9)} ${kb(g).padStart(9)} gzip`)
}
let lazy = 0
for (const [key, chunk] of Object.entries(manifest)) {
  if (!seen.has(key) && chunk.file.endsWith('.js') && chunk.file !== 'sw.js') {
    lazy += gzipSync(await readFile(path.join(dist, chunk.file)), { level: 9 }).length
  }
}
console.log('fan view JavaScript (entry + static imports):')
console.log(rows.join('\n'))
console.log(
  `fan view JS: ${kb(raw)} raw, ${kb(gz)} gzipped (budget ${kb(BUDGET)}); studio/analytics chunks: ${kb(lazy)} gzipped`,
)
if (gz > BUDGET) {
  console.error(`fan view JS is ${kb(gz)} gzipped, over the ${kb(BUDGET)} budget`)
  process.exit(1)
}
