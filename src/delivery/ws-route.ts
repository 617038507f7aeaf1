import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { fail } from '../errors.js'
import type { App } from '../http/app.js'
import { isSameOrigin } from '../http/auth.js'

/**
 * `GET /api/v1/stream`: the WebSocket live stream (docs/protocol.md). Authentication is the session
 * cookie or `Authorization: Bearer`; anonymous sockets may follow public and unlisted channels.
 * Refusals happen before the upgrade, as ordinary problem+json responses.
 */
export function websocketRoute(app: App, ctx: AppContext): void {
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
    config: { auth: 'optional', scope: 'read' },
    preHandler: async (req) => refuseUnsafeUpgrade(req, ctx),
    handler: async () => {
      fail('upgrade-required', 'Open this URL with a WebSocket client (see docs/protocol.md).')
    },
    wsHandler: (socket, req) => {
      ctx.hub.acceptWebSocket(socket, req.socket, req.auth?.account.id ?? null)
    },
  })
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
    fail(
      'csrf-rejected',
      `Streams opened with a session cookie must come from ${ctx.config.publicUrl.origin}.`,
    )
  }
}
