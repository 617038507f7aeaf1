import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { backlotArgs } from './_util/backlot-command.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')

/** Issue 14 item 10, as an operator meets it: `backlot serve` without BACKLOT_PUSH_SUBJECT. */
describe('backlot serve without BACKLOT_PUSH_SUBJECT', () => {
  it('stops with one line when BACKLOT_PUBLIC_URL is an IP address', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-cli-'))
    const failure = await run(process.execPath, backlotArgs('serve'), {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        BACKLOT_PUBLIC_URL: 'http://192.168.1.10:8080',
        BACKLOT_PORT: '0',
        BACKLOT_DATA_DIR: dataDir,
      },
      // Were it to start after all, it would serve until killed.
      timeout: 20_000,
    })
      .catch((e) => e)
      .finally(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    expect(failure.code).toBe(1)
    expect(failure.stderr.trim().split('\n')).toEqual([
      'backlot: invalid configuration: BACKLOT_PUSH_SUBJECT: is required when BACKLOT_PUBLIC_URL is an IP address (192.168.1.10): set a mailto: or https: contact push services can reach you at',
    ])
  })

  it('starts on a laptop and warns that the contact reaches no one', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-cli-'))
    const child = spawn(process.execPath, backlotArgs('serve'), {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        BACKLOT_PORT: '0',
        BACKLOT_DATA_DIR: dataDir,
        BACKLOT_ARGON2: 'fast',
      },
    })
    try {
      const lines: { level: number; msg: string; variable?: string }[] = []
      await new Promise<void>((resolve, reject) => {
        let buffered = ''
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString()
          for (;;) {
            const end = buffered.indexOf('\n')
            if (end === -1) break
            const line = JSON.parse(buffered.slice(0, end))
            buffered = buffered.slice(end + 1)
            lines.push(line)
            if (String(line.msg).startsWith('Backlot is listening')) resolve()
          }
        })
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
      })
      const warning = lines.find((l) => l.variable === 'BACKLOT_PUSH_SUBJECT')
      expect(warning?.level).toBe(40)
      expect(warning?.msg).toBe(
        'BACKLOT_PUSH_SUBJECT is not set: push services get mailto:admin@127.0.0.1, which reaches no one. Set it (mailto: or https:) before real users subscribe.',
      )
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }, 30_000)
})
