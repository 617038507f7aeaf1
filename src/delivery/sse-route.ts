import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import { requireReadableChannel } from '../channels/index.js'
import type { AppContext } from '../context.js'
import { fail } from '../errors.js'
import type { App } from '../http/app.js'
import { refuseRequest } from '../http/problem-error.js'
import type { Position } from './protocol.js'
import type { StreamAddresses } from './stream-addresses.js'
import type { StreamAdmission } from './stream-admission.js'
import { streamCredential } from './stream-credentials.js'

const Params = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) })
const Query = Type.Object({
  since: Type.Optional(Type.Integer({ minimum: 0, description: 'Resume after this sequence.' })),
  epoch: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Epoch of `since`; default: the current one.' }),
  ),
})
const Headers = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        '`<epoch>:<seq>:<eventId>` (or `<epoch>:<seq>`) from the last `id:` received; wins over ?since.',
    }),
  ),
})

/**
 * `GET /api/v1/channels/{slug}/events`: one channel as Server-Sent Events, with the same replay,
 * reset, heartbeat and slow-consumer rules as the WebSocket (docs/protocol.md). Access is checked
 * before the stream starts, so refusals are ordinary problem+json responses. The response ends
 * (after a `stream-error` event) when the session or token that opened it ends.
 */
export function sseRoute(
  app: App,
  ctx: AppContext,
  addresses: StreamAddresses,
  admission: StreamAdmission,
): void {
  app.get(
    '/api/v1/channels/:slug/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Live events of one channel (Server-Sent Events)',
        description:
          'Each event: `id: <epoch>:<seq>:<eventId>`, `event: <type>`, `data: {id,type,at,data}`. Control events: ' +
          '`subscribed`, `reset`, `unsubscribed`, `stream-error`; heartbeats are comments.',
        params: Params,
        querystring: Query,
        headers: Headers,
        response: {
          200: {
            description: 'An endless text/event-stream.',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
        },
      },
      config: { auth: 'optional', scope: 'read', rateLimit: 'stream-opens' },
    },
    async (req, reply) => {
      if (ctx.lifecycle.isDraining || !ctx.hub.isAccepting) {
        fail('unavailable', 'The server is restarting; reconnect in a moment.')
      }
      const since = ssePosition(req.headers['last-event-id'], req.query, ctx.eventLog.epoch)
      // EventSource gives up for good on any status but 200, so a shed SSE stream is a 200 that
      // only sets the reconnection delay (`retry:`, in ms, jittered) and ends: the browser comes
      // back then with its Last-Event-ID (stream-admission.ts).
      const retryAfterSeconds = admission.take()
      if (retryAfterSeconds !== null) return shedSse(reply, retryAfterSeconds)
      const accountId = req.auth?.account.id ?? null
      const access = await requireReadableChannel(ctx.db, req.params.slug, accountId)
      const release = addresses.acquire(req.ip)
      if (!release) {
        ctx.metrics.connectionsRefused.inc({ reason: 'streams' })
        refuseRequest(
          'too-many-streams',
          'This address has too many live streams open; close one or retry later.',
        )
      }
      reply.raw.once('close', release)
      // A stream's liveness is its heartbeats and buffer limit; a quiet channel must not hit the
      // idle timeout (BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS) meant for stalled requests.
      req.raw.socket.setTimeout(0)
      reply.hijack()
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // Reverse proxies (nginx) must not buffer a stream.
        'x-accel-buffering': 'no',
      })
      ctx.hub.openSse(reply.raw, accountId, streamCredential(req.auth), access.channel.slug, since)
    },
  )
}

function shedSse(reply: FastifyReply, retryAfterSeconds: number) {
  const retryMs = retryAfterSeconds * 1000 - Math.floor(Math.random() * 1000)
  return reply
    .header('cache-control', 'no-store')
    .header('retry-after', String(retryAfterSeconds))
    .type('text/event-stream; charset=utf-8')
    .send(`: streams-busy\nretry: ${retryMs}\n\n`)
}

/** The resume position: Last-Event-ID (what EventSource sends on reconnect) or ?since&epoch. */
function ssePosition(
  header: string | string[] | undefined,
  query: { since?: number; epoch?: string },
  currentEpoch: string,
): Position | undefined {
  if (typeof header === 'string' && header !== '') {
    // The event id is optional: ids sent before it was added, and the `subscribed`/`reset` ids, lack it.
    const match = /^([^:\s]{1,64}):(\d{1,15})(?::([^:\s]{1,64}))?$/.exec(header)
    if (!match) {
      refuseRequest(
        'invalid-stream-position',
        'Last-Event-ID must be "<epoch>:<seq>[:<eventId>]", as sent in the id: field.',
      )
    }
    const [, epoch, seq, id] = match
    return id === undefined ? { epoch: epoch!, seq: Number(seq) } : { epoch: epoch!, seq: Number(seq), id }
  }
  const { since, epoch } = query
  if (since === undefined) {
    if (epoch !== undefined) refuseRequest('invalid-stream-position', '?epoch needs ?since.')
    return undefined
  }
  return { epoch: epoch ?? currentEpoch, seq: since }
}
