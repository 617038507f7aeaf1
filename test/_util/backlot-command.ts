import path from 'node:path'

/**
 * How tests start a real Backlot process: `node bin/backlot.js …`, the compiled CLI exactly as an
 * operator runs it. vitest.config.ts's global setup (test/_util/global-setup.ts) compiles dist/
 * whenever the sources changed, so this never runs stale code. Compiled, a process reaches its
 * command in ~0.1 CPU-seconds instead of the ~2 that tsx spends compiling the sources in every
 * process (and again in every `--workers` worker).
 *
 * Tests of dev behaviour (`npm run dev`, tsx) or of the build itself spawn their own command.
 */
const root = path.resolve(import.meta.dirname, '../..')

/** Absolute path of the launcher, usable from any working directory. */
export const backlotLauncher = path.join(root, 'bin', 'backlot.js')

/** Arguments for `process.execPath`: the launcher, then the CLI's own arguments. */
export function backlotArgs(...args: string[]): string[] {
  return [backlotLauncher, ...args]
}
