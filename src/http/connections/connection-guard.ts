import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Logger } from '../../logger.js'
import type { Metrics } from '../../metrics.js'
import { type AddressRanges, addressKey } from './address.js'

export interface ConnectionGuardOptions {
  /** Most open connections from one address (addressKey); 0: no cap. */
  perAddress: number
  /** Addresses the per-address cap skips. */
  exempt: AddressRanges
  /** Most open connections in all (connections/capacity.ts); null: no cap. */
  capacity: number | null
  logger: Logger
  metrics: Metrics
}

export interface ConnectionGuard {
  /** Connections held now. */
  readonly open: number
  /** Of those, HTTP connections with no request in flight. */
  readonly idle: number
}

interface Tracked {
  /** The per-address count this connection is in; null when exempt or uncapped. */
  key: string | null
  /** Requests in flight; an upgraded connection (a WebSocket) stays busy for good. */
  busy: number
}

const WARN_INTERVAL_MS = 10_000

/**
 * Sits in front of node:http's own `connection` listener, so a connection is judged before any
 * parser is attached to it (issue 14):
 * - past BACKLOT_MAX_CONNECTIONS_PER_ADDRESS from one address, it is closed at once, unread: refusing must
 *   cost less than the connection, or the refusal itself is the attack;
 * - at the process's capacity (the open-file limit minus a reserve), the connection that has been
 *   idle longest — no request in flight: a keep-alive between requests, a socket that sent
 *   nothing, headers still dribbling in — is closed to make room, so a flood of idle sockets can
 *   never lock out a health check or a login; only when every connection is busy is the new one
 *   refused.
 * Connections handed over by the `--workers` primary arrive as the same `connection` event.
 */
export function guardConnections(server: Server, options: ConnectionGuardOptions): ConnectionGuard {
  const own = server.listeners('connection')
  if (own.length !== 1) {
    throw new Error(`guardConnections expects node:http's connection listener alone, found ${own.length}`)
  }
  const serve = own[0] as (socket: Socket) => void
  const { perAddress, exempt, capacity, metrics } = options
  const tracked = new Map<Socket, Tracked>()
  /** Connections with no request in flight, longest idle first (a Set keeps insertion order). */
  const idle = new Set<Socket>()
  const perKey = new Map<string, number>()
  const warn = throttledWarning(options.logger)

  function admit(socket: Socket): boolean {
    const key = perAddress > 0 ? counted(socket) : null
    if (key !== null && (perKey.get(key) ?? 0) >= perAddress) {
      refuse('address', { address: key })
      return false
    }
    if (capacity !== null && tracked.size >= capacity && !evictLongestIdle()) {
      refuse('capacity', { capacity })
      return false
    }
    if (key !== null) perKey.set(key, (perKey.get(key) ?? 0) + 1)
    tracked.set(socket, { key, busy: 0 })
    idle.add(socket)
    metrics.openConnections.inc()
    socket.once('close', () => forget(socket))
    return true
  }

  /** The address key the socket counts under, or null when exempt (or already reset). */
  function counted(socket: Socket): string | null {
    // A getpeername call: read only when there is a per-address cap to apply.
    const address = socket.remoteAddress
    return address === undefined || exempt.has(address) ? null : addressKey(address)
  }

  function refuse(reason: 'address' | 'capacity', fields: Record<string, unknown>): void {
    metrics.connectionsRefused.inc({ reason })
    warn(reason, fields)
  }

  function evictLongestIdle(): boolean {
    const oldest = idle.values().next().value
    if (oldest === undefined) return false
    // Forgotten now, not at its `close`: a burst of new connections must not evict one each for
    // the same free slot while the closes are still on their way.
    forget(oldest)
    oldest.destroy()
    metrics.connectionsEvicted.inc()
    return true
  }

  function forget(socket: Socket): void {
    const entry = tracked.get(socket)
    if (!entry) return
    tracked.delete(socket)
    idle.delete(socket)
    if (entry.key !== null) {
      const left = (perKey.get(entry.key) ?? 1) - 1
      if (left > 0) perKey.set(entry.key, left)
      else perKey.delete(entry.key)
    }
    metrics.openConnections.dec()
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket
    const entry = tracked.get(socket)
    if (!entry) return
    entry.busy++
    idle.delete(socket)
    res.once('close', () => {
      entry.busy--
      // Re-added at the end: idle order is by when the connection last became idle.
      if (entry.busy === 0 && tracked.has(socket)) idle.add(socket)
    })
  }

  function onUpgrade(req: IncomingMessage): void {
    // Alone, this listener would make node:http hand over upgrades nobody takes.
    if (server.listenerCount('upgrade') === 1) req.socket.destroy()
    const entry = tracked.get(req.socket)
    if (!entry) return
    entry.busy++
    idle.delete(req.socket)
  }

  server.removeListener('connection', serve)
  server.on('connection', (socket: Socket) => {
    if (admit(socket)) serve.call(server, socket)
    else socket.destroy()
  })
  server.on('request', onRequest)
  // Node hands upgrades to 'upgrade' listeners only if there are any; @fastify/websocket's is the
  // one that takes them, this one only marks the connection busy.
  server.on('upgrade', onUpgrade)
  return {
    get open() {
      return tracked.size
    },
    get idle() {
      return idle.size
    },
  }
}

/** A warning per reason at most every 10 s, with how many were refused meanwhile. */
function throttledWarning(logger: Logger) {
  const last = new Map<string, { at: number; suppressed: number }>()
  return (reason: string, fields: Record<string, unknown>) => {
    const now = Date.now()
    const state = last.get(reason)
    if (state && now - state.at < WARN_INTERVAL_MS) {
      state.suppressed++
      return
    }
    last.set(reason, { at: now, suppressed: 0 })
    logger.warn(
      { reason, ...fields, refusedSinceLastWarning: state?.suppressed ?? 0 },
      reason === 'address'
        ? 'connection refused: too many from one address (BACKLOT_MAX_CONNECTIONS_PER_ADDRESS)'
        : 'connection refused: every connection busy at BACKLOT_MAX_CONNECTIONS',
    )
  }
}
