import fastifyCookie from '@fastify/cookie'
import fastifySwagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fastifyWebsocket from '@fastify/websocket'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import type { AppContext } from '../context.js'
import { registerAuth } from './auth.js'
import { answerClientError } from './client-error.js'
import { registerRequestDeadline } from './connections/request-deadline.js'
import { connectionTimeoutOptions } from './connections/timeouts.js'
import { answerFrameworkError, registerErrorHandler } from './error-handler.js'
import { registerRateLimits } from './rate-limit-hooks.js'
import { QuietRequestLog } from './request-log.js'
import { refuseNulCharacters } from './text-input.js'

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/**
 * Builds the HTTP application: validation, problem+json errors, authentication, OpenAPI, and the
 * routes `mountRoutes` adds (the composition root's route table, src/routes.ts). Listening and
 * shutdown are the server's business (`server.ts`).
 */
export async function buildApp(ctx: AppContext, mountRoutes: (app: App) => void): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Failed and slow requests at info, the rest at debug (request-log.ts).
    logController: new QuietRequestLog(),
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    return503OnClosing: true,
    // Idle keep-alive sockets close at shutdown; in-flight requests finish first (graceful drain).
    forceCloseConnections: 'idle',
    // What the HTTP parser refuses is answered with a problem document too.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // Headers, body, keep-alive and idle timeouts (issue 14).
    ...connectionTimeoutOptions(ctx.config.connections),
  }).withTypeProvider<TypeBoxTypeProvider>()

  setValidators(app)
  registerErrorHandler(app)
  // First of the onRequest hooks: the body deadline runs from the headers, not from after auth.
  registerRequestDeadline(app, ctx.config.connections, ctx.metrics)
  await app.register(fastifyCookie)
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 64 * 1024, perMessageDeflate: false },
  })
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Backlot API',
        version: '1',
        description: 'Broadcast channels for behind-the-scenes updates.',
      },
      servers: [{ url: ctx.config.publicUrl.origin }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'backlot_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  })
  // Before authentication: per-address limits apply to requests with bad credentials too.
  registerRateLimits(app, ctx.requestLimits)
  registerAuth(app, ctx)
  app.addHook('preValidation', refuseNulCharacters)
  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.httpRequests.inc({
      method: req.method,
      route: req.routeOptions.url ?? 'unknown',
      status: `${Math.floor(reply.statusCode / 100)}xx`,
    })
  })
  mountRoutes(app)
  app.get(
    '/api/v1/openapi.json',
    { schema: { hide: true }, config: { auth: 'none', rateLimit: 'reads' } },
    async () => app.swagger(),
  )
  return app
}

/**
 * BACKLOT_TRUST_PROXY as Fastify takes it. A hop count N trusts the N nearest addresses of the chain (the
 * peer and N - 1 forwarded ones), as documented; Fastify itself now treats a bare number as "trust
 * nothing", which would silently make every client look like the proxy: one client to the
 * per-address limits (issue 14).
 */
function trustProxyOption(trust: boolean | number): boolean | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'boolean') return trust
  return (_address, hop) => hop < trust
}

/**
 * Bodies are validated strictly: no type coercion, unknown fields refused (additionalProperties:
 * false in every body schema), nothing silently removed. Query strings and path parameters are
 * text on the wire, so they are coerced to the declared types.
 */
function setValidators(app: App): void {
  const strict = addFormats.default(
    new Ajv.default({
      allErrors: true,
      coerceTypes: false,
      removeAdditional: false,
      useDefaults: true,
      strict: false,
    }),
  )
  const coercing = addFormats.default(
    new Ajv.default({
      allErrors: true,
      coerceTypes: 'array',
      removeAdditional: false,
      useDefaults: true,
      strict: false,
    }),
  )
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : coercing.compile(schema),
  )
}
