import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backlotArgs } from './_util/backlot-command.js'
import { createTestDatabase, type TestDatabase, testDatabases } from './_util/db.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')

// Issue 22, points 1 and 5: `backlot demo` prints a short summary on the server's real address,
// with its own accounts, and never takes over an account it did not make.
describe.each(testDatabases)('backlot demo on %s', (kind) => {
  let database: TestDatabase
  beforeEach(async () => {
    database = await createTestDatabase(kind)
  })
  afterEach(() => database.drop())

  function backlot(args: string[]) {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      BACKLOT_DATA_DIR: database.dataDir,
      BACKLOT_ARGON2: 'fast',
      BACKLOT_PORT: '18599',
    }
    if (database.config.kind === 'postgres') {
      env.BACKLOT_DATABASE_URL = database.config.location
      env.BACKLOT_DATABASE_SCHEMA = database.config.schema
    }
    return run(process.execPath, backlotArgs(...args), { cwd: root, env })
  }

  it('prints only a short summary with the configured port and its own logins, once', async () => {
    const first = await backlot(['demo'])
    const lines = first.stdout.trim().split('\n')
    expect(lines[0]).toBe('Demo production channel created.')
    expect(lines.some((line) => line.trimStart().startsWith('{'))).toBe(false)
    expect(lines.length).toBeLessThanOrEqual(10)
    expect(first.stdout).toContain('http://127.0.0.1:18599/c/on-set')
    expect(first.stdout).not.toContain(':8080')
    expect(first.stdout).toMatch(/@demo_showrunner {2}password \S{12,}/)
    expect(first.stdout).toMatch(/@demo_cocreator {2}password \S{12,}/)

    const again = await backlot(['demo'])
    expect(again.stdout.split('\n')[0]).toBe('The demo channel "on-set" exists already; nothing was changed.')
    expect(again.stdout).toContain('logins: @demo_showrunner and @demo_cocreator')
    expect(again.stdout).not.toContain('{"level"')
  })

  it('refuses, changing nothing, when an account with a demo handle was not made by the demo', async () => {
    await backlot(['user', 'create', '--handle', 'demo_showrunner', '--password', 'someone else entirely'])
    const failure = await backlot(['demo']).catch((error) => error)
    expect(failure.code).toBe(1)
    expect(failure.stderr.trim()).toBe(
      'backlot: the account @demo_showrunner exists and was not made by the demo; the demo never takes over ' +
        'an account. Rename that account, or run the demo against another database (BACKLOT_DATA_DIR).',
    )
    expect(failure.stdout).toBe('')
  })
})
