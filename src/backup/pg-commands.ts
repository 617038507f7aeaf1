import type { DatabaseConfig } from '../config/config.js'

/**
 * What `backlot backup` and `backlot restore` print on PostgreSQL: the standard tools do the copy,
 * with the connection and schema Backlot is configured with. A password in BACKLOT_DATABASE_URL is left
 * out (it would land in the terminal and the shell history): pg_dump and pg_restore take it from
 * PGPASSWORD or ~/.pgpass.
 */
export function redactPassword(location: string): { url: string; hadPassword: boolean } {
  const url = new URL(location)
  if (!url.password) return { url: url.href, hadPassword: false }
  url.password = ''
  return { url: url.href, hadPassword: true }
}

/** POSIX single quotes: everything literal, a quote written as '\''. One rule, no dependency. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`
}

const PASSWORD_NOTE =
  '(the password in BACKLOT_DATABASE_URL is left out: give it with PGPASSWORD or ~/.pgpass)'

export function pgDumpInstructions(database: DatabaseConfig, output: string): string[] {
  const { url, hadPassword } = redactPassword(database.location)
  return [
    'PostgreSQL: back up with pg_dump (safe while the servers run; it reads one consistent snapshot):',
    `  pg_dump --format=custom --schema=${shellQuote(database.schema)} --file=${shellQuote(output)} ${shellQuote(url)}`,
    ...(hadPassword ? [PASSWORD_NOTE] : []),
  ]
}

export function pgRestoreInstructions(database: DatabaseConfig, file: string): string[] {
  const { url, hadPassword } = redactPassword(database.location)
  return [
    'PostgreSQL: stop every Backlot node, then restore with pg_restore:',
    `  pg_restore --clean --if-exists --single-transaction --dbname=${shellQuote(url)} ${shellQuote(file)}`,
    'or, for a plain SQL dump (one made with pg_dump --format=plain --clean):',
    `  psql --single-transaction --file=${shellQuote(file)} ${shellQuote(url)}`,
    ...(hadPassword ? [PASSWORD_NOTE] : []),
    'Backlot notices the restore when the nodes start again (its tables were recreated) and changes',
    'the stream epoch by itself, so every client reloads instead of resuming.',
  ]
}
