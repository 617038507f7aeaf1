import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { isSameOrigin, requireAuth, SESSION_COOKIE } from '../http/auth.js'
import { refuseRequest } from '../http/problem-error.js'
import {
  AccountView,
  CreatedTokenView,
  CreateTokenBody,
  LoginBody,
  LoginView,
  MeView,
  RegisterBody,
  TokenList,
  TokenParams,
  UpdateMeBody,
} from './schemas.js'
import type { NewSession } from './sessions.js'
import { toAccountView, toMeView, toTokenView } from './views.js'

const tags = ['accounts']
const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]
const NoContent = Type.Null({ description: 'Done; no body.' })

/** Registration, login and logout, the caller's own account, and API tokens. */
export function accountRoutes(app: App, ctx: AppContext): void {
  // Login and registration carry no session yet, so the CSRF hook does not see them; refusing a
  // foreign Origin here stops a cross-site page from logging a visitor into another account.
  const sameOriginOnly = async (req: FastifyRequest) => {
    if (!isSameOrigin(req, ctx.config.publicUrl)) {
      refuseRequest('csrf-rejected', `Log in from ${ctx.config.publicUrl.origin}.`)
    }
  }

  app.post(
    '/api/v1/accounts',
    {
      schema: {
        tags,
        summary: 'Register an account and log in (sets the session cookie)',
        security: [],
        body: RegisterBody,
        response: { 201: AccountView },
      },
      config: { auth: 'none', rateLimit: 'registration' },
      onRequest: sameOriginOnly,
    },
    async (req, reply) => {
      const { account, session } = await ctx.accounts.register(req.body, {
        userAgent: req.headers['user-agent'],
        address: req.ip,
      })
      setSessionCookie(reply, ctx, session)
      return reply.code(201).send(toAccountView(account))
    },
  )

  app.post(
    '/api/v1/sessions',
    {
      schema: {
        tags,
        summary: 'Log in with handle and password (sets the session cookie)',
        security: [],
        body: LoginBody,
        response: { 200: LoginView },
      },
      config: { auth: 'none', rateLimit: 'login' },
      onRequest: sameOriginOnly,
    },
    async (req, reply) => {
      const { account, session, deletionCancelled } = await ctx.accounts.login({
        ...req.body,
        address: req.ip,
        userAgent: req.headers['user-agent'],
      })
      setSessionCookie(reply, ctx, session)
      return { ...toAccountView(account), deletionCancelled }
    },
  )

  app.delete(
    '/api/v1/sessions/current',
    {
      schema: {
        tags,
        summary: 'Log out: end this session and clear the cookie',
        response: { 204: NoContent },
      },
      // Optional: logging out with an already expired cookie still clears it.
      config: { auth: 'optional', rateLimit: 'sign-outs' },
    },
    async (req, reply) => {
      if (req.auth?.via === 'session' && req.auth.sessionId) await ctx.accounts.logout(req.auth.sessionId)
      reply.clearCookie(SESSION_COOKIE, cookieAttributes(ctx))
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags,
        summary: 'The account making the request, and how it is authenticated',
        security: authenticated,
        response: { 200: MeView },
      },
      config: { auth: 'required', rateLimit: 'reads' },
    },
    async (req) => {
      const auth = requireAuth(req)
      return toMeView(await ctx.accounts.getAccount(auth.account.id), auth)
    },
  )

  app.patch(
    '/api/v1/me',
    {
      schema: {
        tags,
        summary: 'Change your display name or language',
        security: authenticated,
        body: UpdateMeBody,
        response: { 200: MeView },
      },
      // The display name is published on every post and channel page: as much a "post" as a post.
      config: { auth: 'required', scope: 'post', rateLimit: 'account' },
    },
    async (req) => {
      const auth = requireAuth(req)
      return toMeView(await ctx.accounts.updateProfile(auth.account.id, req.body), auth)
    },
  )

  tokenRoutes(app, ctx)
}

function tokenRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token (the secret is shown once)',
        description: 'A token can only create tokens with scopes it holds itself; sessions hold all.',
        security: authenticated,
        body: CreateTokenBody,
        response: { 201: CreatedTokenView },
      },
      config: { auth: 'required', rateLimit: 'account' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      const { row, token } = await ctx.accounts.createToken(auth.account.id, auth.scopes, req.body)
      reply.header('cache-control', 'no-store')
      return reply.code(201).send({ ...toTokenView(row), token })
    },
  )

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'List your API tokens (without secrets)',
        security: authenticated,
        response: { 200: TokenList },
      },
      config: { auth: 'required', scope: 'read', rateLimit: 'reads' },
    },
    async (req) => {
      const auth = requireAuth(req)
      return { tokens: (await ctx.accounts.listTokens(auth.account.id)).map(toTokenView) }
    },
  )

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke one of your API tokens',
        description: 'A token can revoke itself, or tokens whose scopes it all holds.',
        security: authenticated,
        params: TokenParams,
        response: { 204: NoContent },
      },
      config: { auth: 'required', rateLimit: 'sign-outs' },
    },
    async (req, reply) => {
      const auth = requireAuth(req)
      await ctx.accounts.revokeToken(auth.account.id, auth.scopes, req.params.id)
      return reply.code(204).send(null)
    },
  )
}

/** Read at request time: the public URL is only final once the server listens (BACKLOT_PORT=0). */
function cookieAttributes(ctx: AppContext) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: ctx.config.publicUrl.protocol === 'https:',
  }
}

function setSessionCookie(reply: FastifyReply, ctx: AppContext, session: NewSession): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    ...cookieAttributes(ctx),
    maxAge: Math.floor(ctx.config.sessionTtlMs / 1000),
  })
  // Responses that set a session must never be stored by a shared cache.
  reply.header('cache-control', 'no-store')
}
