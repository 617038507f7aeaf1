import fs from 'node:fs'
import type { ConnectionsConfig } from '../../config/config.js'

/**
 * The process's soft limit of open files (`ulimit -n`, systemd LimitNOFILE), or null where it
 * cannot be read. Node has no getrlimit, but Linux shows the limits in /proc/self/limits. Node
 * raises the soft limit to the hard one as it starts, so this is the limit the server really has.
 */
export function readOpenFileLimit(read = () => fs.readFileSync('/proc/self/limits', 'utf8')): number | null {
  let text: string
  try {
    text = read()
  } catch {
    return null // not Linux
  }
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text)
  if (!match || match[1] === 'unlimited') return null
  return Number(match[1])
}

export interface Capacity {
  /** Most client connections this process holds; null: no cap. */
  connections: number | null
  openFileLimit: number | null
  /** Set when the limit is too low to keep BACKLOT_FD_RESERVE free: the start-up warning. */
  warning?: string
}

/**
 * How many client connections fit beside the descriptors the server needs for everything else.
 * `auto` leaves BACKLOT_FD_RESERVE free, but gives connections at least half of a small limit: a server
 * that refuses nearly every connection would be as broken as one that runs out of descriptors.
 * An explicit BACKLOT_MAX_CONNECTIONS is honoured as long as it fits under the limit.
 */
export function connectionCapacity(
  config: Pick<ConnectionsConfig, 'maxConnections' | 'fdReserve'>,
  openFileLimit: number | null,
): Capacity {
  if (openFileLimit === null) {
    return { connections: config.maxConnections === 'auto' ? null : config.maxConnections, openFileLimit }
  }
  const fitting = Math.max(openFileLimit - config.fdReserve, Math.floor(openFileLimit / 2))
  const connections = config.maxConnections === 'auto' ? fitting : Math.min(config.maxConnections, fitting)
  const warning =
    openFileLimit - config.fdReserve < fitting
      ? `the open-file limit (${openFileLimit}) is below twice BACKLOT_FD_RESERVE (${config.fdReserve}): ` +
        `${connections} connections at most; raise it (docs/operations.md, "Open files")`
      : undefined
  return { connections, openFileLimit, ...(warning ? { warning } : {}) }
}
