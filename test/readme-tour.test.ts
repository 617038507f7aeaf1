import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { backlotArgs, backlotLauncher } from './_util/backlot-command.js'
import { type DbKind, pgTestUrl, testDatabases } from './_util/db.js'
import { root, type StartedTree, startTree } from './_util/process-tree.js'

const run = promisify(execFile)

// Issue 22, point 1: the README's tour works as written, before or after `backlot demo`. The commands
// come from README.md itself (the fenced `sh` blocks of "A short tour"), never copied here.
interface TourBlock {
  script: string
  /** Marked `<!-- tour: second terminal -->` in the README: it runs until stopped. */
  isBackground: boolean
}

function tourBlocks(readme: string): TourBlock[] {
  const start = readme.indexOf('\n## A short tour')
  const end = readme.indexOf('\n## ', start + 1)
  const section = readme.slice(start, end)
  return [...section.matchAll(/((?:.*\n){0,2})```sh\n([\s\S]*?)```/g)].map((m) => ({
    script: m[2]!,
    isBackground: (m[1] ?? '').includes('<!-- tour: second terminal'),
  }))
}

/**
 * One bash script running the blocks in order, as a reader pasting them into terminals would:
 * - the server is the test's, not :8080, and `npx backlot` runs this checkout's built CLI (bin/backlot.js);
 * - every curl fails on an HTTP error (`--fail-with-body`), so a 409 or 401 stops the tour at its
 *   step instead of going unnoticed (a reader sees the problem document; the test needs the status);
 * - the second-terminal block runs in the background, and the tour goes on once it is subscribed.
 */
function tourScript(blocks: TourBlock[], base: string): string {
  const prelude = `set -euo pipefail
curl() { local rc=0; command curl --fail-with-body "$@" || rc=$?; [ "$rc" = 23 ] && rc=0; return "$rc"; }
npx() { if [ "$1" = backlot ]; then shift; node ${JSON.stringify(backlotLauncher)} "$@"; else command npx "$@"; fi; }
`
  const steps = blocks.map((block, i) => {
    const script = block.script.replaceAll('127.0.0.1:8080', base)
    if (!block.isBackground) return `${script}\necho "::step ${i} ok"\n`
    return `(${script}) > stream.log 2>&1 &
for _ in $(seq 1 300); do grep -q '"type":"subscribed"' stream.log && break; sleep 0.1; done
grep -q '"type":"subscribed"' stream.log
echo "::step ${i} ok"
`
  })
  // The second-terminal stream is closed like the reader's Ctrl-C once the tour is done.
  return `${prelude}${steps.join('')}jobs -p | xargs -r kill\n`
}

describe('the README tour', () => {
  let server: StartedTree | undefined
  let work: string | undefined
  afterEach(() => {
    server?.kill()
    if (work) fs.rmSync(work, { recursive: true, force: true })
  })

  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
  const blocks = tourBlocks(readme)
  const demoIndex = blocks.findIndex((b) => /npx backlot demo/.test(b.script))

  it('has a demo step, a second-terminal stream and the steps that build a channel', () => {
    expect(demoIndex).toBeGreaterThanOrEqual(0)
    expect(blocks.filter((b) => b.isBackground)).toHaveLength(1)
    expect(blocks.length).toBeGreaterThanOrEqual(4)
  })

  const cases: [DbKind, string][] = [
    ['sqlite', 'demo first'],
    ['sqlite', 'demo last'],
    ['postgres', 'demo last'],
  ]
  it.each(cases.filter(([kind]) => testDatabases.includes(kind)))(
    'runs top to bottom on %s, %s',
    async (kind, order) => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-tour-'))
      const env: Record<string, string> = {
        BACKLOT_DATA_DIR: path.join(work, 'data'),
      }
      if (kind === 'postgres') {
        env.BACKLOT_DATABASE_URL = pgTestUrl
        env.BACKLOT_DATABASE_SCHEMA = `tour_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
      }
      server = await startTree(process.execPath, backlotArgs('serve'), { env })
      const demo = blocks[demoIndex]!
      const rest = blocks.filter((_, i) => i !== demoIndex)
      const ordered = order === 'demo first' ? [demo, ...rest] : [...rest, demo]
      const base = new URL(server.url).host
      const result = await run('bash', ['-c', tourScript(ordered, base)], {
        cwd: work,
        // The reader runs these in the checkout; here the cookie jar and logs go to a temp folder, and
        // NODE_PATH stands for the checkout's node_modules (the stream block's `require("ws")`).
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? work,
          NODE_PATH: path.join(root, 'node_modules'),
          BACKLOT_ARGON2: 'fast',
          ...env,
        },
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error) => error)
      const passed = [...String(result.stdout).matchAll(/::step (\d+) ok/g)].length
      expect({ passed, stderr: String(result.stderr).slice(-2000) }).toEqual({
        passed: ordered.length,
        stderr: '',
      })
      // What the tour promises along the way: the demo's summary, the post arriving on the stream.
      expect(result.stdout).toMatch(/Demo production channel created\.[\s\S]*@demo_showrunner {2}password/)
      expect(fs.readFileSync(path.join(work!, 'stream.log'), 'utf8')).toContain('Week 11 on set')
      if (kind === 'postgres') {
        await run('psql', [
          pgTestUrl,
          '-qc',
          `drop schema if exists "${env.BACKLOT_DATABASE_SCHEMA}" cascade`,
        ])
      }
    },
    300_000,
  )
})
