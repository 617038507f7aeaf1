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
 * channel-feed.ts (per channel: bus, order, gaps) · subscription.ts + subscribe.ts (per channel
 * per connection: authorise, replay, live) · connection.ts, ws-connection.ts, sse-connection.ts
 * (per socket: queue, buffer limit) · flusher.ts (one write per socket per pass) · ws-route.ts,
 * sse-route.ts (HTTP edge) · store.ts (the few channel reads) · stream-credentials.ts (streams end
 * with the session or token that opened them) · this file (per node: feeds, connections, access
 * changes, heartbeats, shutdown).
 */
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type WebSocket from 'ws'
import type { LiveCredentials, Revocation } from '../accounts/index.js'
import type { Bus, Unsubscribe } from '../bus/bus.js'
import type { Config } from '../config/config.js'
import type { Db } from '../db/database.js'
import { type AccessChange, accessTopic, channelTopic, type EventLog } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { Clock } from '../util/clock.js'
import { ChannelFeed } from './channel-feed.js'
import type { Connection, ConnectionHost } from './connection.js'
import { createFlusher } from './flusher.js'
import { type ClientOp, type ControlFrame, closeCodes, type Position, unsubscribedFrame } from './protocol.js'
import { SseConnection } from './sse-connection.js'
import { readLastSeq, readLastSeqs, readMemberIds } from './store.js'
import { type StreamCredential, StreamCredentials } from './stream-credentials.js'
import { type AdmitSubscribe, type SubscribeDeps, subscribeChannel } from './subscribe.js'
import { Subscription } from './subscription.js'
import { heartbeatFrame, PreparedControl, ssePreamble } from './wire.js'
import { WsConnection } from './ws-connection.js'

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

export function createHub(deps: HubDeps) {
  const { db, bus, eventLog, metrics, config, logger } = deps
  const feeds = new Map<string, ChannelFeed>()
  /** Every connection whose transport is not gone yet (closing ones included). */
  const connections = new Set<Connection>()
  const flusher = createFlusher(metrics)
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

  function feedFor(channelId: string): ChannelFeed {
    const existing = feeds.get(channelId)
    if (existing) return existing
    const feed = new ChannelFeed({
      channelId,
      epoch: eventLog.epoch,
      replayLimit: config.replayLimit,
      read: (afterSeq, limit) => eventLog.read(channelId, afterSeq, limit),
      logger,
      onDelivered: (event, subscribers) => flusher.noteDelivered(channelId, event.seq, event.at, subscribers),
      onDone: dropFeed,
    })
    feeds.set(channelId, feed)
    // start() reports failure through its result and the subscribers, never by rejecting.
    void feed.start(
      (onMessage) => bus.subscribe(channelTopic(channelId), onMessage),
      () => readLastSeq(db, channelId),
    )
    return feed
  }

  function dropFeed(feed: ChannelFeed): void {
    if (feeds.get(feed.channelId) === feed) feeds.delete(feed.channelId)
    void feed.close() // logs its own failures
  }

  const subscribeDeps: SubscribeDeps = { db, eventLog, replayLimit: config.replayLimit, logger, feedFor }

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

  /** Ends the subscriptions an access change (ban, leave, removal, deletion) takes away, on this node. */
  function onAccessChange(message: string): void {
    let change: AccessChange
    try {
      change = JSON.parse(message) as AccessChange
    } catch {
      logger.warn('malformed access change dropped')
      return
    }
    const feed = feeds.get(change.channelId)
    if (!feed) return
    if (change.reason === 'channel-private') {
      void endNonMembers(feed)
      return
    }
    for (const subscriber of [...feed.subscribers]) {
      if (change.reason === 'channel-deleted' || subscriber.accountId === change.accountId) {
        subscriber.end(change.reason)
      }
    }
  }

  /** The channel became private: only members may keep streaming it. One query for all subscribers. */
  async function endNonMembers(feed: ChannelFeed): Promise<void> {
    const subscribers = [...feed.subscribers]
    const accountIds = [
      ...new Set(subscribers.map((s) => s.accountId).filter((id): id is string => id !== null)),
    ]
    try {
      const members = new Set(await readMemberIds(db, feed.channelId, accountIds))
      for (const subscriber of subscribers) {
        if (subscriber.accountId === null || !members.has(subscriber.accountId))
          subscriber.end('channel-private')
      }
    } catch (error) {
      logger.warn({ err: error, channel: feed.channelId }, 'membership re-check failed; ending all streams')
      for (const subscriber of subscribers) subscriber.end('channel-private')
    }
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
      void catchUpTails()
      void credentials.recheck() // logs its own failures
    }
  }

  /**
   * The bus may lose the last message of a burst, and no later message would reveal the gap: once
   * per heartbeat, compare each feed with the database and fill what is missing (DESIGN rule 1).
   */
  async function catchUpTails(): Promise<void> {
    const ready = [...feeds.values()].filter((feed) => feed.isReady && !feed.isClosed)
    if (ready.length === 0) return
    try {
      const heads = await readLastSeqs(
        db,
        ready.map((feed) => feed.channelId),
      )
      for (const feed of ready) feed.syncTo(heads.get(feed.channelId) ?? 0)
    } catch (error) {
      logger.warn({ err: error }, 'stream tail check failed')
    }
  }

  function register(connection: Connection, credential: StreamCredential | null): void {
    connections.add(connection)
    metrics.openStreams.inc({ transport: connection.transport })
    credentials.add(connection, credential)
  }

  return {
    async start(): Promise<void> {
      accessUnsubscribe = await bus.subscribe(accessTopic, onAccessChange)
      heartbeatTimer = setInterval(heartbeat, config.heartbeatMs / HEARTBEAT_SLICES)
      heartbeatTimer.unref()
    },

    /**
     * Takes over an upgraded WebSocket (already authenticated and origin-checked by the route).
     * `credential` is what authenticated it (null: anonymous); the stream ends with it. `admit`
     * counts each subscribe op against the client's rate limit.
     */
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

    /**
     * Streams one channel as Server-Sent Events on `res` (headers already written, access already
     * checked by the route; it is checked again, with the same rules, as the subscription starts).
     */
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

    /**
     * A session or token ended (logout, revoked token; made on this node or heard on the bus):
     * closes the streams on this node that it opened. Returns how many.
     */
    credentialRevoked(what: Revocation): number {
      return credentials.revoked(what)
    },

    /** Closes every stream with the "server restarting, reconnect" code (SSE: ends the response). */
    closeAllForShutdown(): void {
      isAccepting = false
      clearInterval(heartbeatTimer)
      for (const connection of [...connections]) connection.close(closeCodes.restarting)
    },

    /** After the HTTP server closed: cut what is left, leave the bus. */
    async close(): Promise<void> {
      isAccepting = false
      clearInterval(heartbeatTimer)
      for (const connection of [...connections]) {
        connection.close(closeCodes.restarting)
        connection.terminate()
      }
      connections.clear()
      credentials.clear()
      const closing = [...feeds.values()].map((feed) => feed.close())
      feeds.clear()
      await Promise.all(closing)
      await accessUnsubscribe?.().catch((error: unknown) =>
        logger.warn({ err: error }, 'bus unsubscribe failed'),
      )
      accessUnsubscribe = undefined
    },

    /**
     * Writes an ephemeral frame — one with no sequence that is not in the event log, such as the
     * interactions area's `counts` — to every live subscriber of the channel on this node, encoded
     * once for all of them. Subscriptions still replaying or being authorised are skipped. Returns
     * how many subscribers it was queued for.
     */
    broadcastEphemeral(channelId: string, frame: ControlFrame): number {
      const feed = feeds.get(channelId)
      if (!feed) return 0
      const prepared = new PreparedControl(frame)
      let sent = 0
      for (const subscriber of feed.subscribers) {
        if (subscriber instanceof Subscription && subscriber.state === 'live') {
          subscriber.connection.send(prepared)
          sent++
        }
      }
      return sent
    },

    /** Whether any stream on this node follows the channel: lets callers skip work nobody would see. */
    hasSubscribers(channelId: string): boolean {
      return (feeds.get(channelId)?.subscribers.size ?? 0) > 0
    },

    stats(): HubStats {
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
        channels: feeds.size,
        peakPendingBytes: perConnection.reduce((peak, c) => Math.max(peak, c.peakPendingBytes), closedPeak),
        slowClosed,
        credentials: credentials.size,
        perConnection,
      }
    },

    /**
     * Checks the credentials of this node's streams that are due now, as the heartbeat does once per
     * interval, and resolves when done (tests: a check that started earlier is waited for first).
     */
    async checkCredentials(): Promise<void> {
      await credentials.recheck()
      await credentials.recheck()
    },

    /** Resolves once no channel feed is filling a gap (tests). */
    async idle(): Promise<void> {
      await Promise.all([...feeds.values()].map((feed) => feed.idle()))
    },
  }
}

export type Hub = ReturnType<typeof createHub>
