import type { ServerOptions } from 'node:http'
import type { ConnectionsConfig } from '../../config/config.js'

/**
 * The connection timeouts as Fastify options (issue 14; docs/operations.md, "Connection limits").
 * Live streams switch the idle timeout off for their own socket (`ws` does it for WebSockets,
 * sse-route.ts for SSE): they have heartbeats and pings of their own, and a quiet channel must not
 * end a stream. Upgraded sockets leave node:http's headers and request checks altogether.
 */
export function connectionTimeoutOptions(config: ConnectionsConfig) {
  return {
    /** Socket inactivity (`server.setTimeout`): nothing moving either way for this long ends it. */
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // node:http's requestTimeout is one value for every route, and would cut a large upload on a
    // slow link; the body deadline is applied per route instead (request-deadline.ts).
    requestTimeout: 0,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: 0,
      // node:http enforces headersTimeout on this interval (default 30 s, which would stretch a
      // 20 s timeout to 50). Each check walks only the connections with a request under way.
      connectionsCheckingInterval: Math.min(5000, Math.max(100, Math.floor(config.headersTimeoutMs / 4))),
    } satisfies ServerOptions,
  }
}
