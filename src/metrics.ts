import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/**
 * All Prometheus metrics, declared in one place. One registry per server instance (not the global
 * one) so tests can run several servers in one process.
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metrics = {
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
    httpRequests: new Counter({
      name: 'backlot_http_requests_total',
      help: 'HTTP requests by route and status class',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
  }
  return metrics
}

export type Metrics = ReturnType<typeof createMetrics>
