import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  beginStamp,
  ensureServerBuild,
  isBuildCurrent,
  isServerBuildCurrent,
  SERVER_STAMP,
  writeStamp,
} from '../scripts/build-stamp.mjs'

// Issue 22, point 2: `npm start` rebuilds exactly when the build's inputs changed, by content.
describe('scripts/build-stamp.mjs', () => {
  let root: string
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), text)
  }
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-stamp-'))
    write('src/main.ts', 'export {}\n')
    write('web/src/app.tsx', 'export {}\n')
    write('package-lock.json', '{}\n')
    write('dist/main.js', '// built\n')
    beginStamp(root)
    writeStamp(root)
  })
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

  it('counts a build as current until a source changes, whatever the modification times', () => {
    expect(isBuildCurrent(root)).toBe(true)
    const future = new Date(Date.now() + 3_600_000)
    fs.utimesSync(path.join(root, 'src/main.ts'), future, future)
    expect(isBuildCurrent(root)).toBe(true)
    write('src/main.ts', 'export const changed = true\n')
    expect(isBuildCurrent(root)).toBe(false)
  })

  it('ignores tests and build output, and notices new files, the web app and the lockfile', () => {
    write('src/main.test.ts', 'test\n')
    write('web/dist/index.html', '<!doctype html>\n')
    expect(isBuildCurrent(root)).toBe(true)
    for (const rel of ['src/new.ts', 'web/src/app.tsx', 'package-lock.json']) {
      write(rel, `// ${rel} changed\n`)
      expect(isBuildCurrent(root)).toBe(false)
      beginStamp(root)
      writeStamp(root)
    }
  })

  it('stamps the sources as they were when the build began', () => {
    beginStamp(root)
    write('src/main.ts', 'export const editedDuringTheBuild = true\n')
    writeStamp(root)
    expect(isBuildCurrent(root)).toBe(false)
  })

  it('is not current without a build', () => {
    fs.rmSync(path.join(root, 'dist/main.js'))
    expect(isBuildCurrent(root)).toBe(false)
  })

  // The tests' global setup compiles only the server: a web edit must not make it recompile, a
  // server edit must, and a full build counts as a server build.
  it('keeps a server stamp that a full build writes, the web app does not touch and src/ does', () => {
    expect(isServerBuildCurrent(root)).toBe(true)
    write('web/src/app.tsx', 'export const webOnly = true\n')
    expect(isBuildCurrent(root)).toBe(false)
    expect(isServerBuildCurrent(root)).toBe(true)
    write('src/main.ts', 'export const serverEdit = true\n')
    expect(isServerBuildCurrent(root)).toBe(false)
    fs.rmSync(path.join(root, SERVER_STAMP))
    beginStamp(root)
    writeStamp(root)
    expect(isServerBuildCurrent(root)).toBe(true)
  })

  it('does not compile when the server build is current', () => {
    // No compiler in this temp root: compiling would fail with a non-zero status.
    expect(ensureServerBuild(root)).toBe(0)
    write('src/main.ts', 'export const serverEdit = true\n')
    expect(ensureServerBuild(root)).not.toBe(0)
    expect(isServerBuildCurrent(root)).toBe(false)
  })
})
