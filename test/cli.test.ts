import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { configDocTable } from '../src/config/config.js'
import { problemsDocTable } from '../src/http/problems.js'
import { backlotArgs } from './_util/backlot-command.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')

function backlot(args: string[], env: Record<string, string>) {
  return run(process.execPath, backlotArgs(...args), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  })
}

describe('backlot CLI', () => {
  it('stops on a bad variable with one line naming it and a non-zero exit', async () => {
    const failure = await backlot(['serve'], { BACKLOT_PORT: 'eighty' }).catch((e) => e)
    expect(failure.code).toBe(1)
    expect(failure.stderr.trim().split('\n')).toEqual([
      'backlot: invalid configuration: BACKLOT_PORT: must be a whole number, got "eighty"',
    ])
  })

  it('migrates a new SQLite database and reports it is up to date the second time', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-cli-'))
    try {
      const first = await backlot(['migrate'], { BACKLOT_DATA_DIR: dataDir })
      expect(first.stdout).toMatch(/^applied: 0001-init/)
      const second = await backlot(['migrate'], { BACKLOT_DATA_DIR: dataDir })
      expect(second.stdout.trim()).toBe('database is up to date')
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('refuses an unknown command with one line', async () => {
    const failure = await backlot(['frobnicate'], {}).catch((e) => e)
    expect(failure.code).toBe(1)
    expect(failure.stderr.trim()).toBe('backlot: unknown command "frobnicate". Run "backlot help".')
  })
})

describe('generated docs are current', () => {
  it('docs/config.md holds the table generated from the variable specs', () => {
    expect(fs.readFileSync(path.join(root, 'docs/config.md'), 'utf8')).toContain(configDocTable())
  })
  it('docs/problems.md holds the table generated from the problem catalog', () => {
    expect(fs.readFileSync(path.join(root, 'docs/problems.md'), 'utf8')).toContain(problemsDocTable())
  })
  it('both say the command that generates them, and the command exists', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts
    expect(scripts['docs:generate']).toBe('tsx scripts/generate-docs.ts')
    for (const file of ['docs/config.md', 'docs/problems.md'])
      expect(fs.readFileSync(path.join(root, file), 'utf8')).toContain(
        '<!-- generated: npm run docs:generate',
      )
  })
})
