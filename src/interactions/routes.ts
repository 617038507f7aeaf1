import { type Static, Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { requireAuth } from '../http/auth.js'
import {
  AnswerBody,
  AnswerListQuery,
  AnswerPage,
  AnswerParams,
  AnswerView,
  MyAnswerView,
  PostParams,
  ReactionBody,
  ReactionResult,
  ReactorListQuery,
  ReactorPage,
  StatsView,
  VoteBody,
  VoteResult,
} from './schemas.js'

const tags = ['interactions']
const post = '/api/v1/channels/:slug/posts/:id'
/** 500 characters are at most ~6 KB of JSON even fully \u-escaped: 16 KB leaves room, 10 KB answers get 422. */
const SMALL_BODY = 16 * 1024
const NoContent = Type.Null({ description: 'Done.' })

/** Reactions, votes, prompt answers, views and staff statistics (docs/api.md "Interactions"). */
export function interactionRoutes(app: App, ctx: AppContext): void {
  const it = ctx.interactions
  const fan = { auth: 'required' as const, scope: 'read' as const }

  app.put(
    `${post}/reaction`,
    {
      schema: {
        tags,
        summary: 'Set your reaction to a post',
        params: PostParams,
        body: ReactionBody,
        response: { 200: ReactionResult },
      },
      config: { ...fan, rateLimit: 'reactions' },
      bodyLimit: SMALL_BODY,
    },
    async (req) =>
      it.setReaction(requireAuth(req).account.id, req.params.slug, req.params.id, req.body.emoji),
  )
  app.delete(
    `${post}/reaction`,
    {
      schema: { tags, summary: 'Remove your reaction', params: PostParams, response: { 204: NoContent } },
      config: { ...fan, rateLimit: 'reactions' },
    },
    async (req, reply) => {
      await it.removeReaction(requireAuth(req).account.id, req.params.slug, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.put(
    `${post}/vote`,
    {
      schema: {
        tags,
        summary: 'Cast or change your ballot',
        params: PostParams,
        body: VoteBody,
        response: { 200: VoteResult },
      },
      config: { ...fan, rateLimit: 'votes' },
      bodyLimit: SMALL_BODY,
    },
    async (req) => ({
      poll: await it.vote(requireAuth(req).account.id, req.params.slug, req.params.id, req.body.options),
    }),
  )
  app.delete(
    `${post}/vote`,
    {
      schema: {
        tags,
        summary: 'Withdraw your ballot (not in a quiz)',
        params: PostParams,
        response: { 200: VoteResult },
      },
      config: { ...fan, rateLimit: 'votes' },
    },
    async (req) => ({
      poll: await it.retractVote(requireAuth(req).account.id, req.params.slug, req.params.id),
    }),
  )
  app.post(
    `${post}/poll/close`,
    {
      schema: {
        tags,
        summary: 'Close a poll now (its author or post.edit-any)',
        params: PostParams,
        response: { 200: VoteResult },
      },
      config: { auth: 'required', scope: 'post', rateLimit: 'post-changes' },
    },
    async (req) => ({
      poll: await it.closePoll(requireAuth(req).account.id, req.params.slug, req.params.id),
    }),
  )

  app.post(
    `${post}/answers`,
    {
      schema: {
        tags,
        summary: 'Answer a prompt (once)',
        params: PostParams,
        body: AnswerBody,
        response: { 201: MyAnswerView },
      },
      config: { ...fan, rateLimit: 'answers' },
      bodyLimit: SMALL_BODY,
    },
    async (req, reply) => {
      const answer = await it.answer(
        requireAuth(req).account.id,
        req.params.slug,
        req.params.id,
        req.body.text,
      )
      return reply.code(201).send(answer)
    },
  )
  app.get(
    `${post}/answers`,
    {
      schema: {
        tags,
        summary: "A prompt's answers, newest first (staff)",
        params: PostParams,
        querystring: AnswerListQuery,
        response: { 200: AnswerPage },
      },
      config: { ...fan, rateLimit: 'reads' },
    },
    async (req) => it.listAnswers(requireAuth(req).account.id, req.params.slug, req.params.id, req.query),
  )
  answerToggle(app, ctx, 'highlight', 'post')
  answerToggle(app, ctx, 'hide', 'channel:admin')

  app.post(
    `${post}/views`,
    {
      schema: { tags, summary: 'Count a view of the post', params: PostParams, response: { 204: NoContent } },
      config: { auth: 'optional', scope: 'read', rateLimit: 'views' },
    },
    async (req, reply) => {
      const visitorKey = `${req.ip}\n${req.headers['user-agent'] ?? ''}`
      await it.recordView(req.auth?.account.id ?? null, visitorKey, req.params.slug, req.params.id)
      return reply.code(204).send(null)
    },
  )
  app.get(
    `${post}/stats`,
    {
      schema: {
        tags,
        summary: "A post's views, reactions and votes (staff)",
        params: PostParams,
        response: { 200: StatsView },
      },
      config: { ...fan, rateLimit: 'reads' },
    },
    async (req) => it.stats(requireAuth(req).account.id, req.params.slug, req.params.id),
  )
  app.get(
    `${post}/reactions`,
    {
      schema: {
        tags,
        summary: 'Who reacted, newest first (staff)',
        params: PostParams,
        querystring: ReactorListQuery,
        response: { 200: ReactorPage },
      },
      config: { ...fan, rateLimit: 'reads' },
    },
    async (req) => it.reactors(requireAuth(req).account.id, req.params.slug, req.params.id, req.query),
  )
}

/** PUT sets, DELETE clears an answer's highlight or hidden state. */
function answerToggle(
  app: App,
  ctx: AppContext,
  what: 'highlight' | 'hide',
  scope: 'post' | 'channel:admin',
) {
  const change = what === 'highlight' ? ctx.interactions.setHighlighted : ctx.interactions.setHidden
  const route = (on: boolean, summary: string) =>
    [
      `${post}/answers/:answerId/${what}`,
      {
        schema: { tags, summary, params: AnswerParams, response: { 200: AnswerView } },
        config: { auth: 'required' as const, scope, rateLimit: 'moderation' as const },
      },
      async (req: FastifyRequest<{ Params: Static<typeof AnswerParams> }>) => {
        const { slug, id, answerId } = req.params
        return change(requireAuth(req).account.id, slug, id, answerId, on)
      },
    ] as const
  app.put(...route(true, what === 'highlight' ? 'Highlight an answer' : 'Hide an answer'))
  app.delete(...route(false, what === 'highlight' ? 'Take back a highlight' : 'Unhide an answer'))
}
