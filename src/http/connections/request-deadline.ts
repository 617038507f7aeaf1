import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ConnectionsConfig } from '../../config/config.js'
import type { Metrics } from '../../metrics.js'
import { buildProblem } from '../problems.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Which body deadline the route has: `upload` (BACKLOT_HTTP_UPLOAD_TIMEOUT_SECONDS) for a route that
     * streams a large body in; by default BACKLOT_HTTP_REQUEST_TIMEOUT_SECONDS.
     */
    bodyDeadline?: 'request' | 'upload'
  }
}

/**
 * A request body must arrive within its route's deadline, counted from the headers; else the
 * server answers 408 `request-timeout` and closes the connection, as node:http does for its own
 * requestTimeout. Node's is one value for the whole server, which would either let a slow JSON
 * body hold a connection for half an hour or cut a 30 MiB upload on a weak link, so the deadline
 * is per route here. Requests without a body arm nothing.
 */
export function registerRequestDeadline(
  app: FastifyInstance,
  config: ConnectionsConfig,
  metrics: Metrics,
): void {
  app.addHook('onRequest', (req, reply, done) => {
    if (hasBody(req.raw)) {
      const ms =
        req.routeOptions.config.bodyDeadline === 'upload' ? config.uploadTimeoutMs : config.requestTimeoutMs
      const timer = setTimeout(() => expire(req, reply, metrics, ms), ms)
      // 'close' comes once the body has been read (or drained after an early answer) or the
      // connection is gone: a body still missing then is the client's to finish, in time.
      req.raw.once('close', () => clearTimeout(timer))
    }
    done()
  })
}

function hasBody(raw: IncomingMessage): boolean {
  return raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0
}

function expire(req: FastifyRequest, reply: FastifyReply, metrics: Metrics, ms: number): void {
  if (req.raw.complete) return
  metrics.requestTimeouts.inc()
  req.log.debug({ route: req.routeOptions.url, deadlineMs: ms }, 'request body too slow: 408')
  const socket = req.raw.socket
  // Written straight to the socket, as node:http writes its own 408: the route may still be
  // waiting for the body, and the connection must not outlive the answer.
  if (!socket.destroyed && !reply.raw.headersSent) socket.write(timeoutResponse(ms))
  socket.destroy()
}

function timeoutResponse(ms: number): string {
  const body = JSON.stringify(
    buildProblem('request-timeout', `The request body did not arrive within ${Math.round(ms / 1000)} s.`),
  )
  return (
    'HTTP/1.1 408 Request Timeout\r\n' +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  )
}
