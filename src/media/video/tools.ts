/**
 * FFmpeg and FFprobe, run as bounded child processes (issue 20).
 *
 * The binaries come from the npm registry: `@ffmpeg-installer/ffmpeg` and
 * `@ffprobe-installer/ffprobe` resolve the platform package (`@ffmpeg-installer/linux-x64` …),
 * whose registry tarball holds the static binary itself (its only install script is `chmod u+x`),
 * so `npm ci` on a fresh machine needs nothing but the registry. `ffmpeg-static` was not chosen:
 * it downloads its binary from GitHub at install time. See docs/operations.md, "Video and voice".
 *
 * Every run is spawned without a shell (arguments are an array, never a command line), with:
 * - a wall-clock limit: past it the process group gets SIGKILL;
 * - an address-space cap (`prlimit --as`, util-linux) when the tool is installed, so a hostile
 *   file that makes a decoder allocate without end fails that run, not the server;
 * - a cap on what it may print (stdout, stderr), so its output cannot grow the server's memory.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export interface ToolPaths {
  ffmpeg: string
  ffprobe: string
  /** util-linux `prlimit`, when installed: sets the child's RLIMIT_AS. */
  prlimit: string | null
}

let paths: ToolPaths | undefined

/** Where the binaries are; resolved once. */
export function toolPaths(): ToolPaths {
  paths ??= {
    ffmpeg: (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
    ffprobe: (require('@ffprobe-installer/ffprobe') as { path: string }).path,
    prlimit: ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => fs.existsSync(p)) ?? null,
  }
  return paths
}

export interface RunLimits {
  timeoutMs: number
  /** RLIMIT_AS of the child in bytes; 0 for none. */
  memoryLimitBytes: number
}

export interface RunResult {
  stdout: Buffer
  stderr: string
}

/** Why a run failed: killed at the time limit, or an exit code other than 0. */
export class ToolError extends Error {
  override name = 'ToolError'
  constructor(
    message: string,
    readonly isTimeout: boolean,
    readonly stderr: string,
  ) {
    super(message)
  }
}

/** Most bytes kept of a tool's stdout (ffprobe's JSON, a waveform's samples) and of its stderr. */
const MAX_STDOUT_BYTES = 4 * 1_048_576
const MAX_STDERR_CHARS = 16 * 1024

/**
 * Runs `tool` with `args` under `limits`; resolves with its output when it exits with 0, else
 * rejects with `ToolError`. `onStdout` sees stdout as it arrives (progress lines) when given.
 */
export function runTool(
  tool: 'ffmpeg' | 'ffprobe',
  args: readonly string[],
  limits: RunLimits,
  onStdout?: (chunk: Buffer) => void,
): Promise<RunResult> {
  const { prlimit, ...binaries } = toolPaths()
  const binary = binaries[tool]
  const [command, argv] =
    prlimit && limits.memoryLimitBytes > 0
      ? [prlimit, [`--as=${limits.memoryLimitBytes}`, '--', binary, ...args]]
      : [binary, [...args]]
  return new Promise((resolve, reject) => {
    // detached: the child leads its own process group, so a kill reaches prlimit's exec'd tool too.
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const stdout: Buffer[] = []
    let stdoutBytes = 0
    let stderr = ''
    let isTimeout = false
    const timer = setTimeout(() => {
      isTimeout = true
      kill(child.pid)
    }, limits.timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      onStdout?.(chunk)
      if (stdoutBytes + chunk.length > MAX_STDOUT_BYTES) return
      stdoutBytes += chunk.length
      stdout.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      // The last lines say why it failed; keep the tail.
      stderr = (stderr + chunk.toString('utf8')).slice(-MAX_STDERR_CHARS)
    })
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(new ToolError(`${tool} could not start: ${error.message}`, false, ''))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) return resolve({ stdout: Buffer.concat(stdout), stderr })
      const why = isTimeout
        ? `ran past ${limits.timeoutMs} ms and was killed`
        : `exited with ${code ?? signal}`
      reject(new ToolError(`${tool} ${why}`, isTimeout, stderr))
    })
  })
}

function kill(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
