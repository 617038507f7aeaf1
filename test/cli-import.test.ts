import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { backlotArgs } from './_util/backlot-command.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-cli-import-'))

function backlot(args: string[]) {
  return run(process.execPath, backlotArgs(...args), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', BACKLOT_DATA_DIR: dataDir, BACKLOT_LOG_LEVEL: 'silent' },
  })
}

/** `backlot import` and `backlot export` refuse with one plain line and exit code 1 (issue 17 point 2). */
describe('backlot import / export CLI', () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('refuses a file that is not a zip, and a missing channel, in one line each', async () => {
    const notZip = path.join(dataDir, 'not.zip')
    fs.writeFileSync(notZip, 'hello')
    const bad = await backlot(['import', notZip]).catch((e) => e)
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/^backlot: cannot read the archive: /)
    const missing = await backlot([
      'export',
      '--channel',
      'nope',
      '--out',
      path.join(dataDir, 'x.zip'),
    ]).catch((e) => e)
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe('backlot: no channel "nope"')
  })
})
