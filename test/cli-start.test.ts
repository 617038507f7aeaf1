import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { answersHealth, root, type StartedTree, startTree } from './_util/process-tree.js'

// Issue 22, points 2 and 3: how an operator starts and stops the built server. These run the real
// `npm start`, `npx backlot serve` and `node bin/backlot.js serve` against dist/, built here once if
// the sources changed since the last build (the first run on a clean clone builds, ~1 min).
const BUILD_TIMEOUT_MS = 600_000
let running: StartedTree[] = []

beforeAll(async () => {
  // Asynchronously: a blocking build would starve vitest's worker channel for a minute.
  const build = spawn(process.execPath, ['scripts/build-stamp.mjs', 'ensure'], {
    cwd: root,
    stdio: 'inherit',
  })
  const [code] = await once(build, 'exit')
  expect(code).toBe(0)
}, BUILD_TIMEOUT_MS)

afterEach(() => {
  for (const tree of running) tree.kill()
  running = []
})

async function start(command: string, args: string[], options?: Parameters<typeof startTree>[2]) {
  const tree = await startTree(command, args, options)
  running.push(tree)
  return tree
}

/** SIGTERM to the top process only, as systemd, a container runtime or `kill PID` send it. */
async function terminate(tree: StartedTree) {
  process.kill(tree.child.pid!, 'SIGTERM')
  await tree.exited
  await expect.poll(tree.isAlive, { timeout: 30_000 }).toBe(false)
  expect(await answersHealth(tree.url)).toBe(false)
}

describe('npm start', () => {
  it('does not rebuild a current build, and SIGTERM to npm drains and leaves no process behind', async () => {
    const built = fs.statSync(path.join(root, 'dist/main.js')).mtimeMs
    // An old unprefixed name and a misspelt one, each reported once at start (issue 22, point 6).
    const tree = await start('npm', ['start'], { env: { LOG_LEVEL: 'info', BACKLOT_LOG_LEVLE: 'debug' } })
    expect(await answersHealth(tree.url)).toBe(true)
    expect(fs.statSync(path.join(root, 'dist/main.js')).mtimeMs).toBe(built)
    const warnings = tree
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":40') && line.includes('"variable":'))
    expect(warnings.filter((line) => line.includes('"variable":"LOG_LEVEL"'))).toEqual([
      expect.stringContaining('LOG_LEVEL is deprecated: rename it BACKLOT_LOG_LEVEL'),
    ])
    expect(warnings.filter((line) => line.includes('"variable":"BACKLOT_LOG_LEVLE"'))).toHaveLength(1)
    await terminate(tree)
    expect(tree.output()).toContain('"msg":"shutting down"')
  })

  it('npx backlot serve --workers 2: SIGTERM to npx stops the primary and every worker', async () => {
    const tree = await start('npx', ['backlot', 'serve', '--workers', '2'])
    expect(await answersHealth(tree.url)).toBe(true)
    await terminate(tree)
    expect(tree.output()).toContain('all workers stopped')
  })
})

describe('production dependencies only', () => {
  let dir: string
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('the built server runs with nothing but the dependencies `npm ci --omit=dev` installs', async () => {
    // What `npm ci --omit=dev` leaves, without the two minutes it takes: a copy of the built app
    // whose node_modules links only the locked non-dev packages. --preserve-symlinks makes every
    // import resolve inside that tree, so one reaching a devDependency fails here as it would there.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-prod-'))
    for (const item of ['package.json', 'bin', 'dist', 'web/dist']) {
      fs.cpSync(path.join(root, item), path.join(dir, item), { recursive: true })
    }
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'))
    for (const [key, entry] of Object.entries(lock.packages as Record<string, Record<string, unknown>>)) {
      if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(key) || entry.dev || entry.devOptional) continue
      if (!fs.existsSync(path.join(root, key))) continue // an optional package for another platform
      fs.mkdirSync(path.dirname(path.join(dir, key)), { recursive: true })
      fs.symlinkSync(path.join(root, key), path.join(dir, key))
    }
    expect(fs.existsSync(path.join(dir, 'node_modules/vite'))).toBe(false)
    const tree = await start(process.execPath, ['--preserve-symlinks', 'bin/backlot.js', 'serve'], {
      cwd: dir,
    })
    expect(await answersHealth(tree.url)).toBe(true)
    expect((await fetch(`${tree.url}/app`)).status).toBe(200)
    const register = await fetch(`${tree.url}/api/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        handle: 'operator',
        displayName: 'Operator',
        password: 'correct horse battery',
      }),
    })
    expect(register.status).toBe(201)
    await terminate(tree)
  })
})
