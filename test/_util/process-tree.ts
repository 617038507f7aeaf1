import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * A command started the way an operator starts the server (`npm start`, `npx backlot serve`, `node
 * bin/backlot.js serve`) in a process group of its own, so a test can tell whether any process of
 * the tree outlives a signal sent to the top one.
 */
export interface StartedTree {
  child: ChildProcess
  /** The server's URL, read from its "listening" log line. */
  url: string
  output: () => string
  /** True while any process of the group is alive. */
  isAlive: () => boolean
  exited: Promise<number | null>
  /** SIGKILL to the whole group (test cleanup), and the data folder removed. */
  kill: () => void
}

export const root = path.resolve(import.meta.dirname, '../..')

export async function startTree(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<StartedTree> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-tree-'))
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      BACKLOT_HOST: '127.0.0.1',
      BACKLOT_PORT: '0',
      BACKLOT_DATA_DIR: dataDir,
      BACKLOT_ARGON2: 'fast',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const pgid = child.pid!
  const isAlive = () => {
    try {
      process.kill(-pgid, 0)
      return true
    } catch {
      return false
    }
  }
  const kill = () => {
    if (isAlive()) process.kill(-pgid, 'SIGKILL')
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 120_000
  for (;;) {
    const match = /(?:Backlot is listening on|workers listening on) (http:\/\/[^\s"]+)/.exec(output)
    if (match) return { child, url: match[1]!, output: () => output, isAlive, exited, kill }
    if (child.exitCode !== null || Date.now() > deadline) {
      kill()
      throw new Error(`${command} ${args.join(' ')} did not start:\n${output.slice(-3000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Whether anything answers /healthz at `url` (a refused connection is false). */
export async function answersHealth(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
    (res) => res.ok,
    () => false,
  )
}
