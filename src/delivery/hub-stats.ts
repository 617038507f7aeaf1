import type { Connection } from './connection.js'

/** A read-only view of the hub for tests and diagnostics. */
export interface HubStats {
  /** Open streams (closing ones excluded). */
  connections: number
  subscriptions: number
  /** Channels with a feed on this node. */
  channels: number
  /** Highest pending byte count any connection reached; never above the configured limit. */
  peakPendingBytes: number
  slowClosed: number
  /** Sessions and tokens with an open stream on this node (anonymous streams have none). */
  credentials: number
  perConnection: {
    id: number
    transport: 'ws' | 'sse'
    accountId: string | null
    isClosed: boolean
    subscriptions: string[]
    pendingBytes: number
    peakPendingBytes: number
  }[]
}

/** What the hub counts besides its connections. */
export interface HubCounters {
  channels: number
  credentials: number
  /** Highest pending byte count of the connections already gone. */
  closedPeak: number
  slowClosed: number
}

export function hubStats(connections: Iterable<Connection>, counters: HubCounters): HubStats {
  const perConnection = [...connections].map((c) => ({
    id: c.id,
    transport: c.transport,
    accountId: c.accountId,
    isClosed: c.isClosed,
    subscriptions: [...c.subscriptions.keys()],
    pendingBytes: c.isClosed ? 0 : c.pendingBytes,
    peakPendingBytes: c.peakPendingBytes,
  }))
  const open = perConnection.filter((c) => !c.isClosed)
  return {
    connections: open.length,
    subscriptions: open.reduce((n, c) => n + c.subscriptions.length, 0),
    channels: counters.channels,
    peakPendingBytes: perConnection.reduce(
      (peak, c) => Math.max(peak, c.peakPendingBytes),
      counters.closedPeak,
    ),
    slowClosed: counters.slowClosed,
    credentials: counters.credentials,
    perConnection,
  }
}
