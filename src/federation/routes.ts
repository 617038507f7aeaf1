import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import { refuseRequest } from '../http/problem-error.js'
import { defaultInboxLimits } from './infra/inbox-guard.js'

const hide = { hide: true }
const tags = ['federation']
const staff = { auth: 'required', scope: 'channel:admin' } as const
/**
 * Inbox bodies Backlot reads at most: Mastodon's activities are a few kilobytes; a Create with a long
 * Note stays far below. The same bound as the inbox guard's (infra/inbox-guard.ts).
 */
const INBOX_BODY_LIMIT = defaultInboxLimits.maxBodyBytes
const ACTIVITY_TYPES = /application\/(activity\+json|ld\+json)/i

/** GET `/c/{slug}` and `/c/{slug}/p/{id}` with these in Accept get ActivityPub JSON, not the page. */
export function wantsActivityJson(accept: string | undefined): boolean {
  return accept !== undefined && ACTIVITY_TYPES.test(accept)
}

const ACTOR_PATH = /^\/c\/([^/?#]+)\/?(?:\?.*)?$/
const POST_PATH = /^\/c\/([^/?#]+)\/p\/([^/?#]+)\/?(?:\?.*)?$/

/** The Fetch API request Fedify takes, for this Fastify request, at the configured public URL. */
function toFetchRequest(req: FastifyRequest, ctx: AppContext): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const url = new URL(req.url, ctx.config.publicUrl.origin)
  const body = req.method === 'POST' && Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : undefined
  return new Request(url, { method: req.method, headers, body })
}

function isJsonObject(body: unknown): boolean {
  if (!Buffer.isBuffer(body)) return false
  try {
    const value: unknown = JSON.parse(body.toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

async function sendResponse(reply: FastifyReply, response: Response) {
  reply.code(response.status)
  response.headers.forEach((value, name) => {
    reply.header(name, value)
  })
  return reply.send(Buffer.from(await response.arrayBuffer()))
}

/**
 * ActivityPub's HTTP surface (docs/federation.md): Fastify bridged to Fedify's `federation.fetch`
 * (there is no Fastify adapter). WebFinger, NodeInfo, inboxes, outbox and followers are routes of
 * their own; a channel's page and its posts' pages answer ActivityPub JSON to clients that ask for
 * it (content negotiation in an onRequest hook, so browsers keep the HTML pages), and a deleted
 * post answers 410 Gone with a Tombstone. Plus the owner's API: the fediverse handle and counts,
 * and remote follow requests of request-only channels.
 */
export function federationRoutes(app: App, ctx: AppContext): void {
  const federated = async (req: FastifyRequest, reply: FastifyReply) => {
    const response = await ctx.federation.fetch(toFetchRequest(req, ctx))
    if (!response) return reply.code(404).type('application/json').send({ error: 'not found' })
    return sendResponse(reply, response)
  }
  const pages = { rateLimit: 'pages' } as const

  // Applies to every route registered after it, the pages among them (routes.ts mounts this first).
  app.addHook('onRequest', async (req, reply) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !wantsActivityJson(req.headers.accept)) return
    const post = POST_PATH.exec(req.url)
    if (post) {
      const answer = await ctx.federation.object(decodeURIComponent(post[1]!), decodeURIComponent(post[2]!))
      if (!answer) return
      return reply
        .code(answer.status)
        .type('application/activity+json')
        .header('vary', 'Accept')
        .send(JSON.stringify(answer.json))
    }
    if (!ACTOR_PATH.test(req.url)) return
    const response = await ctx.federation.fetch(toFetchRequest(req, ctx))
    if (response) return sendResponse(reply.header('vary', 'Accept'), response)
  })

  for (const path of ['/.well-known/webfinger', '/.well-known/nodeinfo', '/nodeinfo/2.1']) {
    app.get(path, { schema: hide, config: pages }, federated)
  }
  for (const path of ['/ap/c/:slug/outbox', '/ap/c/:slug/followers']) {
    app.get(path, { schema: hide, config: pages }, federated)
  }
  app.register(async (scope) => {
    // Inboxes take the body as bytes: Fedify checks its digest and signature over exactly these.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: INBOX_BODY_LIMIT },
      (_req, body, done) => {
        done(null, body)
      },
    )
    for (const path of ['/ap/c/:slug/inbox', '/ap/inbox']) {
      scope.post(path, { schema: hide, config: pages, bodyLimit: INBOX_BODY_LIMIT }, async (req, reply) => {
        // Fedify 2.3.6 throws (a 500) on JSON that is not an object, such as `"!"`: refused here first.
        if (!isJsonObject(req.body)) refuseRequest('malformed-json', 'An activity is a JSON object.')
        // Size, the block list and the per-instance rate limit, before Fedify verifies anything.
        const request = await ctx.federationInfra.guardInbox(toFetchRequest(req, ctx))
        const response = await ctx.federation.fetch(request)
        if (!response) return reply.code(404).type('application/json').send({ error: 'not found' })
        return sendResponse(reply, response)
      })
    }
  })

  const FederationOverview = Type.Object({
    handle: Type.Union([Type.String(), Type.Null()], {
      description: '`@slug@host`; null when the channel does not federate (private, suspended, hidden).',
    }),
    followers: Type.Integer({ description: 'Remote accounts following the channel.' }),
    pendingFollowers: Type.Integer({ description: 'Remote follow requests waiting for a decision.' }),
    replies: Type.Integer({ description: 'Remote replies received (counted, not stored).' }),
    reactions: Type.Integer({ description: 'Remote likes and emoji reactions.' }),
    votes: Type.Integer({ description: 'Remote voters in polls.' }),
  })
  const params = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) })
  app.get(
    '/api/v1/channels/:slug/federation',
    {
      schema: {
        tags,
        summary: "The channel's fediverse handle and what remote instances did (admin or owner)",
        params,
        response: { 200: FederationOverview },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ctx.federation.overview(req.params.slug, requireAuth(req).account.id),
  )
  const FollowRequest = Type.Object({
    actor: Type.String({ description: 'The remote actor id (a URL).' }),
    handle: Type.String({ description: '`@user@host`' }),
    name: Type.Union([Type.String(), Type.Null()]),
    requestedAt: Type.Integer({ description: 'Milliseconds since the epoch.' }),
  })
  app.get(
    '/api/v1/channels/:slug/federation/follow-requests',
    {
      schema: {
        tags,
        summary: 'Remote follow requests of a request-only channel, oldest first (admin or owner)',
        params,
        response: {
          200: Type.Object({
            items: Type.Array(FollowRequest),
            nextCursor: Type.Null({ description: 'One page: at most 100.' }),
          }),
        },
      },
      config: { ...staff, rateLimit: 'reads' },
    },
    async (req) => ({
      items: await ctx.federation.followRequests(req.params.slug, requireAuth(req).account.id),
      nextCursor: null,
    }),
  )
  for (const verb of ['approve', 'reject'] as const) {
    app.post(
      `/api/v1/channels/:slug/federation/follow-requests/${verb}`,
      {
        schema: {
          tags,
          summary: `${verb === 'approve' ? 'Approve (sends Accept)' : 'Reject (sends Reject)'} a remote follow request`,
          params,
          body: Type.Object({ actor: Type.String({ minLength: 1, maxLength: 2000 }) }),
          response: { 204: Type.Null() },
        },
        config: { ...staff, rateLimit: 'moderation' },
      },
      async (req, reply) => {
        const decision = verb === 'approve' ? 'approved' : 'rejected'
        await ctx.federation.decideFollow(
          req.params.slug,
          requireAuth(req).account.id,
          req.body.actor,
          decision,
        )
        return reply.code(204).send(null)
      },
    )
  }
}
