#!/usr/bin/env node
// `npm start` builds only when the sources changed since the last build (issue 22).
//
// The build's inputs are hashed (SHA-256 over every file's path and content) rather than compared by
// modification time: a `git checkout`, a `cp -r` or an unpacked archive change mtimes without changing
// a byte (a needless 30 s rebuild), and can leave a changed file older than the last build (a stale
// dist served). Hashing the ~700 input files takes well under a second.
//
//   node scripts/build-stamp.mjs check   exit 0 when dist/ matches the sources, 1 when not
//   node scripts/build-stamp.mjs begin   note the sources' hash as the build starts (start of `npm run build`)
//   node scripts/build-stamp.mjs write   record that hash as built (end of `npm run build`): a file edited
//                                        during the build then still counts as changed at the next start
//   node scripts/build-stamp.mjs ensure  build (`npm run build`) unless current: npm start's prestart
//   node scripts/build-stamp.mjs ensure-server
//                                        build only the server (`tsc -p tsconfig.build.json`) unless its
//                                        own stamp is current: the tests' global setup, which spawns
//                                        `node bin/backlot.js` and needs no web build
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Files and folders whose content decides what `npm run build` produces. */
const INPUTS = ['src', 'web', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']
/** Never inputs: build output, and tests (which the build leaves out). */
const SKIP = /(^|\/)(dist|node_modules)(\/|$)|\.test\.tsx?$|\.contract\.ts$/
export const STAMP = path.join('dist', '.build-stamp')
/** The inputs of the server part alone (`npm run build:server`): the web app does not change dist/. */
const SERVER_INPUTS = INPUTS.filter((input) => input !== 'web')
export const SERVER_STAMP = path.join('dist', '.server-stamp')

/** Hex SHA-256 over the build's input files under `root`, in a stable order. */
export function sourceHash(root = defaultRoot, inputs = INPUTS) {
  const files = []
  const walk = (rel) => {
    const full = path.join(root, rel)
    if (SKIP.test(rel) || !fs.existsSync(full)) return
    if (fs.statSync(full).isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) walk(path.posix.join(rel, name))
    } else files.push(rel)
  }
  for (const input of inputs) walk(input)
  const hash = createHash('sha256')
  for (const rel of files)
    hash
      .update(`${rel}\0`)
      .update(fs.readFileSync(path.join(root, rel)))
      .update('\0')
  return hash.digest('hex')
}

/** True when the last `npm run build` under `root` was of exactly the current sources. */
export function isBuildCurrent(root = defaultRoot) {
  const stamp = path.join(root, STAMP)
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(root, 'dist', 'main.js'))) return false
  return fs.readFileSync(stamp, 'utf8').trim() === sourceHash(root)
}

/** True when dist/ was compiled from exactly the current server sources (by any full or server build). */
export function isServerBuildCurrent(root = defaultRoot) {
  const stamp = path.join(root, SERVER_STAMP)
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(root, 'dist', 'main.js'))) return false
  return fs.readFileSync(stamp, 'utf8').trim() === sourceHash(root, SERVER_INPUTS)
}

const PENDING = `${STAMP}.next`
const SERVER_PENDING = `${SERVER_STAMP}.next`

export function beginStamp(root = defaultRoot) {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true })
  fs.writeFileSync(path.join(root, PENDING), `${sourceHash(root)}\n`)
  fs.writeFileSync(path.join(root, SERVER_PENDING), `${sourceHash(root, SERVER_INPUTS)}\n`)
}

export function writeStamp(root = defaultRoot) {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true })
  if (fs.existsSync(path.join(root, PENDING))) fs.renameSync(path.join(root, PENDING), path.join(root, STAMP))
  else fs.writeFileSync(path.join(root, STAMP), `${sourceHash(root)}\n`)
  // A full build compiled the server too.
  if (fs.existsSync(path.join(root, SERVER_PENDING)))
    fs.renameSync(path.join(root, SERVER_PENDING), path.join(root, SERVER_STAMP))
  else fs.writeFileSync(path.join(root, SERVER_STAMP), `${sourceHash(root, SERVER_INPUTS)}\n`)
}

/**
 * Compiles the server (what `npm run build:server` does) unless dist/ is current, and stamps the hash
 * taken before compiling, so an edit made meanwhile still counts as changed next time. Returns the
 * compiler's exit status (0 when nothing needed building).
 */
export function ensureServerBuild(root = defaultRoot) {
  if (isServerBuildCurrent(root)) return 0
  const hash = sourceHash(root, SERVER_INPUTS)
  console.error(
    'backlot: server sources changed since the last build; compiling (tsc -p tsconfig.build.json)',
  )
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (build.status === 0) fs.writeFileSync(path.join(root, SERVER_STAMP), `${hash}\n`)
  return build.status ?? 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2]
  if (command === 'begin') beginStamp()
  else if (command === 'write') writeStamp()
  else if (command === 'check') process.exitCode = isBuildCurrent() ? 0 : 1
  else if (command === 'ensure') {
    if (!isBuildCurrent()) {
      console.error('backlot: sources changed since the last build; building (npm run build)')
      const npm = process.env.npm_execpath
      const build = npm
        ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], {
            cwd: defaultRoot,
            stdio: 'inherit',
          })
        : spawnSync('npm', ['run', 'build', '--silent'], { cwd: defaultRoot, stdio: 'inherit' })
      process.exitCode = build.status ?? 1
    }
  } else if (command === 'ensure-server') process.exitCode = ensureServerBuild()
  else {
    console.error('usage: node scripts/build-stamp.mjs check|begin|write|ensure|ensure-server')
    process.exitCode = 2
  }
}
