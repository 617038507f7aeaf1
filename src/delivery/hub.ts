/**
 * Live delivery (DESIGN "Live delivery", STYLE rules 7–9; wire format in docs/protocol.md).
 *
 * Publish path: a transaction appends to the channel event log and commits → eventLog.publish puts
 * `"<seq> <at> <frame>"` on the bus → on every node, the channel's ChannelFeed (one per channel with
 * local subscribers) drops duplicates, fills gaps from the database, and hands one PreparedEvent to
 * each Subscription → each Connection queues the same Buffer → from the end of the event-loop turn
 * on, in slices that let the loop breathe (flusher.ts), the hub writes every dirty connection with
 * a single write. Nothing on that path encodes per subscriber or touches the database per
 * subscriber.
 *
 * Files: protocol.ts (ops, frames, close codes) · wire.ts (bytes: WebSocket frames, SSE) ·
 * channel-feed.ts (per channel: bus, order, gaps) · channel-feeds.ts (per node: which channels
 * have a feed, tail checks, ephemeral frames) · access-changes.ts (bans, leaves, removals,
 * deletions and channels turning private end the streams they take away) · subscription.ts +
 * subscribe.ts (per channel per connection: authorise, replay, live) · connection.ts,
 * ws-connection.ts, sse-connection.ts (per socket: queue, buffer limit) · flusher.ts (one write per
 * socket per pass) · ws-route.ts, sse-route.ts (HTTP edge) · store.ts (the few channel reads) ·
 * stream-credentials.ts (streams end with the session or token that opened them) · hub-stats.ts ·
 * this file (per node: connections, heartbeats, shutdown, and the wiring of the parts above).
 */
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type WebSocket from 'ws'
import type { LiveCredentials, Revocation } from '../accounts/index.js'
import type { Bus, Unsubscribe } from '../bus/bus.js'
import type { Config } from '../config/config.js'
import type { Db } from '../db/database.js'
import { accessTopic, type EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { Clock } from '../util/clock.js'
import { applyAccessChange } from './access-changes.js'
import { createChannelFeeds } from './channel-feeds.js'
import type { Connection, ConnectionHost } from './connection.js'
import { createFlusher } from './flusher.js'
import { type HubStats, hubStats } from './hub-stats.js'
import { type ClientOp, type ControlFrame, closeCodes, type Position, unsubscribedFrame } from './protocol.js'
import { SseConnection } from './sse-connection.js'
import { type StreamCredential, StreamCredentials } from './stream-credentials.js'
import { type AdmitSubscribe, createSharedReads, type SubscribeDeps, subscribeChannel } from './subscribe.js'
import { heartbeatFrame, PreparedControl, ssePreamble } from './wire.js'
import { WsConnection } from './ws-connection.js'

export type { HubStats } from './hub-stats.js'

/** Heartbeat ticks per interval (see heartbeat()). */
const HEARTBEAT_SLICES = 25

export interface HubDeps {
  db: Db
  bus: Bus
  eventLog: EventLog
  metrics: Metrics
  config: Config['stream']
  logger: Logger
  /** The clock sessions expire by (the accounts area's). */
  clock: Clock
  /** Which sessions and tokens still hold (accounts' liveCredentials): streams re-check theirs. */
  checkCredentials: (ids: { sessions: string[]; tokens: string[] }) => Promise<LiveCredentials>
}

/** The live streams of one node: every WebSocket and SSE connection, and the channels they follow. */
export interface Hub {
  /** Listens for access changes on the bus and starts the heartbeats. */
  start(): Promise<void>
  /**
   * Takes over an upgraded WebSocket (authenticated and origin-checked by the route); it ends with
   * `credential`, and `admit` counts each subscribe op.
   */
  acceptWebSocket(
    ws: WebSocket,
    socket: Socket,
    accountId: string | null,
    credential: StreamCredential | null,
    admit?: AdmitSubscribe,
  ): void
  /**
   * Streams one channel as Server-Sent Events on `res` (headers written; access is checked again,
   * by the same rules, as it starts).
   */
  openSse(
    res: ServerResponse,
    accountId: string | null,
    credential: StreamCredential | null,
    slug: string,
    since: Position | undefined,
  ): void
  /** False once shutdown began: new streams are closed with the "restarting" code. */
  readonly isAccepting: boolean
  /**
   * A session or token ended (here or heard on the bus): closes this node's streams it opened;
   * returns how many.
   */
  credentialRevoked(what: Revocation): number
  /** Closes every stream with the "server restarting, reconnect" code (SSE: ends the response). */
  closeAllForShutdown(): void
  /** After the HTTP server closed: cuts what is left, closes the feeds, leaves the bus. */
  close(): Promise<void>
  /**
   * Writes an ephemeral frame (such as `counts`) to the channel's live subscribers on this node,
   * encoded once; returns how many.
   */
  broadcastEphemeral(channelId: string, frame: ControlFrame): number
  /** Whether any stream on this node follows the channel: lets callers skip work nobody would see. */
  hasSubscribers(channelId: string): boolean
  /** A read-only view for tests and diagnostics. */
  stats(): HubStats
  /** Checks the credentials of this node's streams that are due now, as the heartbeat does (tests). */
  checkCredentials(): Promise<void>
  /** Resolves once no channel feed is filling a gap (tests). */
  idle(): Promise<void>
}

export function createHub(deps: HubDeps): Hub {
  const { db, bus, eventLog, metrics, config, logger } = deps
  /** Every connection whose transport is not gone yet (closing ones included). */
  const connections = new Set<Connection>()
  const flusher = createFlusher(metrics)
  const feeds = createChannelFeeds({
    db,
    bus,
    eventLog,
    replayLimit: config.replayLimit,
    logger,
    noteDelivered: flusher.noteDelivered,
  })
  const credentials = new StreamCredentials({ clock: deps.clock, logger, check: deps.checkCredentials })
  let heartbeatTimer: NodeJS.Timeout | undefined
  let accessUnsubscribe: Unsubscribe | undefined
  let isAccepting = true
  let closedPeak = 0
  let slowClosed = 0

  const host: ConnectionHost = {
    bufferBytes: config.bufferBytes,
    metrics,
    logger,
    markDirty: flusher.markDirty,
    connectionClosed(connection, isSlow) {
      metrics.openStreams.dec({ transport: connection.transport })
      credentials.remove(connection)
      closedPeak = Math.max(closedPeak, connection.peakPendingBytes)
      if (isSlow) {
        slowClosed++
        metrics.slowClosed.inc()
        logger.info({ connection: connection.id, account: connection.accountId }, 'slow stream closed')
      }
    },
    connectionFinished(connection) {
      connections.delete(connection)
      credentials.remove(connection)
    },
  }

  const accessDeps = { db, feeds, logger }
  const subscribeDeps: SubscribeDeps = {
    db,
    eventLog,
    replayLimit: config.replayLimit,
    logger,
    feedFor: feeds.feedFor,
    shared: createSharedReads(),
  }

  function onOp(connection: Connection, op: ClientOp, admit?: AdmitSubscribe): void {
    if (op.op === 'subscribe') {
      void subscribeChannel(subscribeDeps, connection, op.channel, op.since, admit) // reports its own errors
      return
    }
    const slug = op.channel.toLowerCase()
    const subscription = connection.subscriptions.get(slug)
    if (subscription) subscription.end('requested')
    else connection.send(new PreparedControl(unsubscribedFrame(slug, 'requested')))
  }

  /**
   * Heartbeats are spread over the interval: each tick serves the connections of one slice (by id),
   * so every connection still gets one per interval, but 19,000 sockets cost 760 writes (and pongs)
   * a second instead of 19,000 at once — a burst that would delay any event fanned out beside it.
   */
  let heartbeatTick = 0
  function heartbeat(): void {
    const slice = heartbeatTick++ % HEARTBEAT_SLICES
    for (const connection of connections) {
      if (connection.id % HEARTBEAT_SLICES === slice) connection.heartbeat(heartbeatFrame)
    }
    if (slice === 0) {
      void feeds.catchUpTails()
      void credentials.recheck() // logs its own failures
    }
  }

  function register(connection: Connection, credential: StreamCredential | null): void {
    connections.add(connection)
    metrics.openStreams.inc({ transport: connection.transport })
    credentials.add(connection, credential)
  }

  return {
    async start(): Promise<void> {
      accessUnsubscribe = await bus.subscribe(accessTopic, (message) =>
        applyAccessChange(accessDeps, message),
      )
      heartbeatTimer = setInterval(heartbeat, config.heartbeatMs / HEARTBEAT_SLICES)
      heartbeatTimer.unref()
    },

    acceptWebSocket(
      ws: WebSocket,
      socket: Socket,
      accountId: string | null,
      credential: StreamCredential | null,
      admit?: AdmitSubscribe,
    ): void {
      if (!isAccepting) {
        ws.close(closeCodes.restarting.code, closeCodes.restarting.reason)
        return
      }
      register(new WsConnection(host, ws, socket, accountId, (c, op) => onOp(c, op, admit)), credential)
    },

    openSse(
      res: ServerResponse,
      accountId: string | null,
      credential: StreamCredential | null,
      slug: string,
      since: Position | undefined,
    ): void {
      const connection = new SseConnection(host, res, accountId)
      register(connection, credential)
      if (!isAccepting) {
        connection.close(closeCodes.restarting)
        return
      }
      connection.send({ ws: ssePreamble, sse: ssePreamble })
      void subscribeChannel(subscribeDeps, connection, slug, since)
    },

    get isAccepting(): boolean {
      return isAccepting
    },

    credentialRevoked(what: Revocation): number {
      return credentials.revoked(what)
    },

    closeAllForShutdown(): void {
      isAccepting = false
      clearInterval(heartbeatTimer)
      for (const connection of [...connections]) connection.close(closeCodes.restarting)
    },

    async close(): Promise<void> {
      isAccepting = false
      clearInterval(heartbeatTimer)
      for (const connection of [...connections]) {
        connection.close(closeCodes.restarting)
        connection.terminate()
      }
      connections.clear()
      credentials.clear()
      await feeds.close()
      await accessUnsubscribe?.().catch((error: unknown) =>
        logger.warn({ err: error }, 'bus unsubscribe failed'),
      )
      accessUnsubscribe = undefined
    },

    broadcastEphemeral: feeds.broadcastEphemeral,
    hasSubscribers: feeds.hasSubscribers,

    stats(): HubStats {
      return hubStats(connections, {
        channels: feeds.size,
        credentials: credentials.size,
        closedPeak,
        slowClosed,
      })
    },

    // A check that started earlier (a heartbeat's) is waited for first: the second one runs now.
    async checkCredentials(): Promise<void> {
      await credentials.recheck()
      await credentials.recheck()
    },

    idle: feeds.idle,
  }
}
