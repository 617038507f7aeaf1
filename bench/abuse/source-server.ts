import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../lib/server-process.js'

/**
 * The server of a source tree (`<root>/src/main.ts serve`, run through tsx) as a child process on a
 * free port with a fresh data folder. The reads benchmark compares two trees — the current code and
 * an older checkout given by path — and must not build or otherwise write into either, so both run
 * from source the same way (tsx only changes start-up time, not the request path).
 */
export interface SourceServer {
  url: string
  host: string
  port: number
  child: ChildProcess
  /** User + system CPU time of the server process so far, in seconds (from /proc). */
  cpuSeconds(): number
  stop(): Promise<void>
}

export async function startSourceServer(
  root: string,
  env: Record<string, string> = {},
): Promise<SourceServer> {
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-bench-reads-'))
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts'), 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      BACKLOT_HOST: '127.0.0.1',
      BACKLOT_PORT: String(port),
      BACKLOT_DATA_DIR: dataDir,
      BACKLOT_LOG_LEVEL: 'warn',
      BACKLOT_ARGON2: 'fast',
      BACKLOT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      // The bench measures what serving costs: its readers and seeding all come from this machine,
      // which the per-address rate limits would otherwise stop after a few hundred requests.
      BACKLOT_RATE_LIMIT_EXEMPT: '127.0.0.0/8,::1',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break
    } catch {}
    if (i > 600 || child.exitCode !== null) throw new Error(`server in ${root} did not start`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const pid = child.pid!
  return {
    url,
    host: '127.0.0.1',
    port,
    child,
    cpuSeconds: () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) / 100
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
