import { randomBytes } from 'node:crypto'
import fs from 'node:fs'

/**
 * The sidecar file beside a SQLite database: it holds the incarnation token last stamped into the
 * database's `meta`. The two are written together at every start and clean stop, so a database
 * file put back from elsewhere (an older copy, a `backlot backup` file, a file moved in from
 * another machine) no longer carries the token the sidecar names. Kept outside the database on
 * purpose: a copy of the database file never brings it along.
 */
export function sidecarPath(databaseFile: string): string {
  return `${databaseFile}.incarnation`
}

export function newIncarnation(): string {
  return randomBytes(12).toString('base64url')
}

/** The token the sidecar names; null when there is no sidecar, '' when it is unreadable. */
export function readSidecar(databaseFile: string): string | null {
  let text: string
  try {
    text = fs.readFileSync(sidecarPath(databaseFile), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  try {
    const parsed = JSON.parse(text) as { incarnation?: unknown }
    return typeof parsed.incarnation === 'string' ? parsed.incarnation : ''
  } catch {
    return ''
  }
}

/**
 * Replaces the sidecar atomically (write a temporary file, flush it, rename it over): a crash leaves
 * either the old token or the new one, never half a file. Hand-written rather than a dependency for
 * these few lines of node:fs.
 */
export function writeSidecar(databaseFile: string, incarnation: string): void {
  const target = sidecarPath(databaseFile)
  const temporary = `${target}.${process.pid}.tmp`
  const body = {
    incarnation,
    note: 'Backlot: names the database last used here. Do not copy it with a backup: a restored database must not match it.',
  }
  const fd = fs.openSync(temporary, 'w', 0o600)
  try {
    fs.writeFileSync(fd, `${JSON.stringify(body, null, 2)}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(temporary, target)
}
