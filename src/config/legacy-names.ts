/**
 * Every variable carries the `BACKLOT_` prefix since issue 22: an unprefixed `PORT` or `LOG_LEVEL`
 * collides with what platforms, shells and other programs set, and a typo in it went unnoticed
 * (only `BACKLOT_*` names can be checked for typos without warning about the whole environment).
 * The old names keep working: each one set is read as its new name, and reported once at start.
 */

/** Variables that had the prefix from the start, so they have no older unprefixed name. */
const BORN_PREFIXED = new Set([
  'BACKLOT_DATA_DIR',
  'BACKLOT_SQLITE_SYNCHRONOUS',
  'BACKLOT_ARGON2',
  'BACKLOT_METRICS_TOKEN',
  'BACKLOT_METRICS_PORT',
  'BACKLOT_METRICS_ADDRESS',
  'BACKLOT_INTERACTION_BATCH_MS',
])

/** The name a variable had before issue 22, or undefined if it never had another. */
export function legacyName(name: string): string | undefined {
  return name.startsWith('BACKLOT_') && !BORN_PREFIXED.has(name) ? name.slice('BACKLOT_'.length) : undefined
}

export interface DeprecatedVariable {
  /** The old name, as set. */
  name: string
  /** What to call it instead. */
  replacement: string
  /** True when the new name is set too (and wins). */
  isIgnored: boolean
}

type Env = Record<string, string | undefined>

/**
 * `env` with every old name that is set copied to its new name, unless the new name is set too (the
 * new name wins), and the list of old names found (for one warning each).
 */
export function withLegacyNames(
  env: Env,
  names: readonly string[],
): { env: Env; deprecated: DeprecatedVariable[] } {
  const merged: Env = { ...env }
  const deprecated: DeprecatedVariable[] = []
  for (const name of names) {
    const old = legacyName(name)
    if (old === undefined || env[old] === undefined) continue
    const isIgnored = env[name] !== undefined
    if (!isIgnored) merged[name] = env[old]
    deprecated.push({ name: old, replacement: name, isIgnored })
  }
  return { env: merged, deprecated }
}
