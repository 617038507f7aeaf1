import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccountService } from '../accounts/index.js'
import type { AccountRow, TokenScope } from '../db/schema.js'
import { DomainError, fail } from '../errors.js'
import { refuseRequest } from './problem-error.js'

export const SESSION_COOKIE = 'backlot_session'
/** Cookie-authenticated writes must carry this header: a cross-site form cannot set it (CSRF defence). */
export const CSRF_HEADER = 'x-backlot-csrf'

export interface Auth {
  account: AccountRow
  via: 'session' | 'token'
  /** Sessions may do anything the account may; tokens only what their scopes allow. */
  scopes: ReadonlySet<TokenScope> | 'all'
  sessionId?: string
  tokenId?: string
}

/** Declared per route in `config`: who may call it. */
export interface RouteAuthConfig {
  /** 'required' (default for /api/v1 writes), 'optional' (anonymous allowed), 'none' (skip lookup). */
  auth?: 'required' | 'optional' | 'none'
  /** Token scope the route needs; sessions always pass. */
  scope?: TokenScope
}

/**
 * What authentication needs from the application: the accounts service's lookups and the public
 * origin (for the CSRF check). A narrow view of the AppContext, so this edge module does not
 * depend on the composition root.
 */
export interface AuthDeps {
  accounts: Pick<AccountService, 'authenticateToken' | 'authenticateSession'>
  config: { publicUrl: URL }
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null
  }
  interface FastifyContextConfig extends RouteAuthConfig {}
}

export function registerAuth(app: FastifyInstance, ctx: AuthDeps): void {
  app.decorateRequest('auth', null)
  app.addHook('onRequest', async (req, reply) => {
    const config = req.routeOptions.config as RouteAuthConfig
    const mode = config.auth ?? 'optional'
    if (mode === 'none') return
    req.auth = await resolveAuth(req, ctx)
    if (mode === 'required' && !req.auth)
      fail('unauthenticated', 'Log in or send an API token (Authorization: Bearer …).')
    if (req.auth) {
      if (config.scope) requireScope(req.auth, config.scope)
      if (req.auth.via === 'session') checkCsrf(req, ctx)
    }
    void reply
  })
}

/**
 * The credential of the request: a Bearer token, else the session cookie. Lookups are cached for a
 * few seconds and revocations drop them at once (src/accounts/authenticate.ts).
 */
export async function resolveAuth(req: FastifyRequest, ctx: AuthDeps): Promise<Auth | null> {
  const header = req.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) fail('unauthenticated', 'The Authorization header must be "Bearer <token>".')
    const found = await ctx.accounts.authenticateToken(match[1]!)
    if (!found) fail('unauthenticated', 'The API token is unknown or has been revoked.')
    return { account: found.account, via: 'token', scopes: found.scopes, tokenId: found.tokenId }
  }
  const cookie = req.cookies?.[SESSION_COOKIE]
  if (!cookie) return null
  const found = await ctx.accounts.authenticateSession(cookie)
  if (!found) return null
  return { account: found.account, via: 'session', scopes: 'all', sessionId: found.sessionId }
}

export function requireScope(auth: Auth, scope: TokenScope): void {
  if (auth.scopes === 'all' || auth.scopes.has(scope)) return
  fail('insufficient-scope', `This API token needs the "${scope}" scope.`)
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cookie-authenticated writes: the Origin (or, without it, the Referer) must be this server's own
 * BACKLOT_PUBLIC_URL origin, and the custom header must be present.
 */
export function checkCsrf(req: FastifyRequest, ctx: AuthDeps): void {
  if (SAFE_METHODS.has(req.method)) return
  if (!isSameOrigin(req, ctx.config.publicUrl)) {
    refuseRequest(
      'csrf-rejected',
      `Requests with a session cookie must come from ${ctx.config.publicUrl.origin}.`,
    )
  }
  if (req.headers[CSRF_HEADER] === undefined) {
    refuseRequest('csrf-rejected', `Requests with a session cookie must send the ${CSRF_HEADER} header.`)
  }
}

export function isSameOrigin(req: FastifyRequest, publicUrl: URL): boolean {
  const origin = req.headers.origin ?? refererOrigin(req.headers.referer)
  // Non-browser clients (curl, the CLI) send neither; the custom header still has to be there.
  if (origin === undefined) return true
  return origin === publicUrl.origin
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined
  try {
    return new URL(referer).origin
  } catch {
    return 'null'
  }
}

/** For route handlers: the authenticated account, or a 401 problem. */
export function requireAuth(req: FastifyRequest): Auth {
  if (!req.auth) throw new DomainError('unauthenticated', 'Log in or send an API token.')
  return req.auth
}

export type { FastifyReply }
