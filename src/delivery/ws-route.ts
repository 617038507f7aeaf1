import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyRequest } from 'fastify'
import type WebSocket from 'ws'
import type { AppContext } from '../context.js'
import { fail } from '../errors.js'
import type { App } from '../http/app.js'
import { isSameOrigin } from '../http/auth.js'
import { refuseRequest } from '../http/problem-error.js'
import { closeCodes, streamLimits } from './protocol.js'
import type { StreamAddresses } from './stream-addresses.js'
import type { StreamAdmission } from './stream-admission.js'
import { streamCredential } from './stream-credentials.js'

/**
 * `GET /api/v1/stream`: the WebSocket live stream (docs/protocol.md). Authentication is the session
 * cookie or `Authorization: Bearer`; anonymous sockets may follow public and unlisted channels.
 * Refusals happen before the upgrade, as ordinary problem+json responses, except the per-address
 * stream cap (4029, see refuseTooMany). An authenticated socket is closed with 4401 when its
 * session or token ends (src/delivery/stream-credentials.ts).
 */
export function websocketRoute(
  app: App,
  ctx: AppContext,
  addresses: StreamAddresses,
  admission: StreamAdmission,
): void {
  app.route({
    method: 'GET',
    url: '/api/v1/stream',
    schema: {
      tags: ['live'],
      summary: 'Live stream of channel events (WebSocket)',
      description:
        'Upgrade to a WebSocket, then send {"op":"subscribe","channel":"<slug>","since":{"epoch":"…","seq":N}}. ' +
        'Frames, resume rules and close codes: docs/protocol.md. A plain GET is answered 426.',
    },
    config: { auth: 'optional', scope: 'read', rateLimit: 'stream-opens' },
    preHandler: async (req) => {
      refuseUnsafeUpgrade(req, ctx)
      // Last: only an upgrade that would be accepted takes one of the second's tokens.
      if (req.headers.upgrade?.toLowerCase() === 'websocket') admission.admitOrRefuse()
    },
    handler: async () => {
      refuseRequest('upgrade-required', 'Open this URL with a WebSocket client (see docs/protocol.md).')
    },
    wsHandler: (socket, req) => {
      forgetUpgradeRequest(ctx, socket, req.socket)
      const release = addresses.acquire(req.ip)
      if (!release) {
        refuseTooMany(ctx, socket)
        return
      }
      req.socket.once('close', release)
      const accountId = req.auth?.account.id ?? null
      const client = { accountId, address: req.ip }
      // Each subscribe op counts against `stream-subscribes` (it may replay from the database).
      const admit = () => ctx.requestLimits.check('stream-subscribes', client)
      ctx.hub.acceptWebSocket(socket, req.socket, accountId, streamCredential(req.auth), admit)
    },
  })
}

/**
 * Lets the upgrade request go once the stream is open. @fastify/websocket leaves two references
 * that live as long as the socket: the socket stays attached to the never-sent ServerResponse
 * (which holds the IncomingMessage with its headers and the upgrade head buffer, and Fastify's
 * response listeners), and its `error` listener on the WebSocket closes over the Fastify request
 * and reply (with their child logger). Measured at 4,000 idle streams: about 3 KB per stream of
 * the ~8.5 KB each one cost. The replacement listener does what the plugin's default one did
 * (log, cut the connection) without holding the request.
 */
function forgetUpgradeRequest(ctx: AppContext, ws: WebSocket, socket: Socket): void {
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  if (response && typeof response.detachSocket === 'function') response.detachSocket(socket)
  ws.removeAllListeners('error')
  const { logger } = ctx
  ws.on('error', (error) => {
    logger.warn({ err: error }, 'stream socket error')
    ws.terminate()
  })
}

/**
 * BACKLOT_MAX_STREAMS_PER_ADDRESS reached: closed with 4029 just after the handshake rather than refused
 * before it, because a browser shows a refused handshake only as 1006 and could not tell it from
 * a network error. A peer that does not answer the close is cut off, as slow ones are.
 */
function refuseTooMany(ctx: AppContext, ws: WebSocket): void {
  ctx.metrics.connectionsRefused.inc({ reason: 'streams' })
  const { code, reason } = closeCodes.tooManyStreams
  ws.close(code, reason)
  setTimeout(() => ws.terminate(), streamLimits.closeGraceMs).unref()
}

function refuseUnsafeUpgrade(req: FastifyRequest, ctx: AppContext): void {
  if (ctx.lifecycle.isDraining || !ctx.hub.isAccepting) {
    fail('unavailable', 'The server is restarting; reconnect in a moment.')
  }
  // Browsers send cookies with cross-site WebSocket handshakes and the same-origin policy does not
  // cover WebSockets, so without this any web page could read a logged-in fan's private channels
  // (cross-site WebSocket hijacking). Refused before the upgrade with 403; embeds on other sites
  // connect without cookies (anonymous, public channels). Bearer tokens are not sent by browsers
  // on their own, so they need no such check.
  if (req.auth?.via === 'session' && !isSameOrigin(req, ctx.config.publicUrl)) {
    refuseRequest(
      'csrf-rejected',
      `Streams opened with a session cookie must come from ${ctx.config.publicUrl.origin}.`,
    )
  }
}
