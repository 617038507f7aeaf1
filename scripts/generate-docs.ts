/**
 * Rewrites the generated tables of docs/config.md and docs/problems.md from their sources (the
 * variable specs and the problem catalog): `npm run docs:generate`. Each table sits between a
 * `<!-- generated: … -->` line and `<!-- end generated -->`; the prose around it is written by hand.
 * test/cli.test.ts fails while a table is out of date.
 */
import fs from 'node:fs'
import path from 'node:path'
import { configDocTable } from '../src/config/config.js'
import { problemsDocTable } from '../src/http/problems.js'

const root = path.resolve(import.meta.dirname, '..')
const END = '<!-- end generated -->'

for (const [file, command, table] of [
  ['docs/config.md', 'backlot config-doc', configDocTable()],
  ['docs/problems.md', 'backlot problems-doc', problemsDocTable()],
] as const) {
  const full = path.join(root, file)
  const text = fs.readFileSync(full, 'utf8')
  const start = text.indexOf('<!-- generated:')
  const end = text.indexOf(END)
  if (start < 0 || end < start) throw new Error(`${file}: no generated block to replace`)
  const begin = `<!-- generated: npm run docs:generate (the table \`${command}\` prints) -->`
  fs.writeFileSync(full, `${text.slice(0, start)}${begin}\n${table}\n${text.slice(end)}`)
  console.log(`${file}: table rewritten`)
}
