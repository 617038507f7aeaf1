import { isStartedByNpm } from '../config/launcher.js'

/** How often a server started through npm checks that its parent is still there. */
const PARENT_POLL_MS = 1000

/**
 * Stops the server (as SIGTERM does) when it was started through npm and its parent went away.
 *
 * `npm start` and `npx backlot serve` run the command through `sh -c`; on SIGTERM npm forwards the
 * signal to that shell, which dies without passing it on, and the server would keep serving as an
 * orphan (issue 22). `npm start` avoids the shell with `exec`; npx cannot, so the server notices that
 * its parent changed (it was re-parented to init or a subreaper) and drains. Only under npm (which
 * sets `npm_command`): a server deliberately detached from its shell must keep running.
 * Returns a function that stops watching.
 */
export function stopWhenOrphaned(isUnderNpm = isStartedByNpm()): () => void {
  if (!isUnderNpm) return () => {}
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(timer)
    process.kill(process.pid, 'SIGTERM')
  }, PARENT_POLL_MS)
  timer.unref()
  return () => clearInterval(timer)
}
