import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/**
 * All Prometheus metrics, declared in one place (each one's name and help text: createMetrics).
 * One registry per server instance (not the global one) so tests can run several servers in one
 * process.
 */
export interface Metrics {
  /** What /metrics serves: these metrics and the process's defaults. */
  registry: Registry
  // Live streams (delivery/, event-log/)
  openStreams: Gauge<'transport'>
  subscriptions: Gauge
  eventsPublished: Counter<'type'>
  framesWritten: Counter
  socketWrites: Counter
  slowClosed: Counter
  publishToWrite: Histogram
  // Web Push (push/)
  pushQueued: Counter
  pushSent: Counter
  pushFailed: Counter<'reason'>
  pushSubscriptionsRemoved: Counter<'reason'>
  pushPublishToLast: Histogram
  // Connections and requests (http/)
  openConnections: Gauge
  connectionsRefused: Counter<'reason'>
  connectionsEvicted: Counter
  requestTimeouts: Counter
  httpRequests: Counter<'method' | 'route' | 'status'>
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metrics: Metrics = {
    registry,
    openStreams: new Gauge({
      name: 'backlot_open_streams',
      help: 'Open live-stream connections (WebSocket and SSE)',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'backlot_stream_subscriptions',
      help: 'Channel subscriptions across open streams',
      registers: [registry],
    }),
    eventsPublished: new Counter({
      name: 'backlot_events_published_total',
      help: 'Channel events published to the bus',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    framesWritten: new Counter({
      name: 'backlot_frames_written_total',
      help: 'Event frames queued to stream subscribers',
      registers: [registry],
    }),
    socketWrites: new Counter({
      name: 'backlot_socket_writes_total',
      help: 'Coalesced socket writes (one per socket per event-loop turn with pending frames)',
      registers: [registry],
    }),
    slowClosed: new Counter({
      name: 'backlot_stream_slow_closed_total',
      help: 'Subscribers closed because their unsent buffer passed the limit',
      registers: [registry],
    }),
    publishToWrite: new Histogram({
      name: 'backlot_publish_to_write_seconds',
      help: 'Time from event commit to the frame being written to the local sockets',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    pushQueued: new Counter({
      name: 'backlot_push_notifications_queued_total',
      help: 'Push notifications claimed for sending (one per post and device; a retry claims again)',
      registers: [registry],
    }),
    pushSent: new Counter({
      name: 'backlot_push_notifications_sent_total',
      help: 'Push notifications accepted by a push service (2xx)',
      registers: [registry],
    }),
    pushFailed: new Counter({
      name: 'backlot_push_notifications_failed_total',
      help: 'Push send attempts that failed, by reason (gone, rate-limited, server-error, network, rejected, too-large, unauthorized, ambiguous, endpoint-private, retries-exhausted)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    pushSubscriptionsRemoved: new Counter({
      name: 'backlot_push_subscriptions_removed_total',
      help: 'Push subscriptions deleted: gone (404/410 from the push service), user, replaced (endpoint moved to another account), limit (device cap)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    pushPublishToLast: new Histogram({
      name: 'backlot_push_publish_to_last_notification_seconds',
      help: 'Time from a post being published to the last batch of its notifications finishing',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers: [registry],
    }),
    openConnections: new Gauge({
      name: 'backlot_open_connections',
      help: 'Client connections this process holds (HTTP and live streams)',
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'backlot_connections_refused_total',
      help: 'Connections and streams refused: address (BACKLOT_MAX_CONNECTIONS_PER_ADDRESS), capacity (BACKLOT_MAX_CONNECTIONS with no idle connection to close), streams (BACKLOT_MAX_STREAMS_PER_ADDRESS)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    connectionsEvicted: new Counter({
      name: 'backlot_connections_evicted_total',
      help: 'Idle HTTP connections closed to make room for a new one at BACKLOT_MAX_CONNECTIONS',
      registers: [registry],
    }),
    requestTimeouts: new Counter({
      name: 'backlot_request_timeouts_total',
      help: 'Requests answered 408 because their body did not arrive in time',
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'backlot_http_requests_total',
      help: 'HTTP requests by route and status class',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
  }
  return metrics
}
