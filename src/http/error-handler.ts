import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../errors.js'
import { domainProblem } from './domain-problem.js'
import { markLanguage, requestLanguage } from './language.js'
import { ProblemError } from './problem-error.js'
import { problemTitle } from './problem-titles.js'
import { buildProblem, type Problem, type ProblemCode, type ProblemFieldError } from './problems.js'
import { markAnswerExpected } from './request-log.js'

/**
 * The one edge where errors become RFC 9457 problem+json. Expected 4xx are logged at debug; a 500
 * is logged in full but the response says only "internal" — no stack traces or SQL leave the server.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const problem = toProblem(error, req)
    logProblem(req, problem, error)
    return sendProblem(reply, { ...problem, instance: req.url.split('?')[0] })
  })
  app.setNotFoundHandler((req, reply) =>
    sendProblem(
      reply,
      buildProblem('route-not-found', `No endpoint ${req.method} ${req.url.split('?')[0]}.`),
    ),
  )
}

/**
 * Errors Fastify meets before routing (`frameworkErrors`): a path whose percent-encoding is not
 * UTF-8 (FST_ERR_BAD_URL). Fastify's default answers in its own JSON shape; this is a problem too.
 */
export function answerFrameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? buildProblem('bad-request', 'The URL is not valid: a percent-encoded part does not decode as UTF-8.')
      : toProblem(error, req)
  logProblem(req, problem, error)
  sendProblem(reply, problem)
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  const retryAfter = problem.retryAfterSeconds
  // 429: a rate limit's wait; 503: a shed load's (delivery/stream-admission.ts).
  if ((problem.status === 429 || problem.status === 503) && typeof retryAfter === 'number')
    reply.header('retry-after', String(retryAfter))
  const language = requestLanguage(reply.request)
  markLanguage(reply, language)
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ ...problem, title: problemTitle(problem.code, language) })
}

/**
 * Logs an error answer. Only an unexpected failure (`internal`, the 500) is logged at error, with
 * its stack. Everything the catalog names on purpose is the server working as documented and is
 * logged at debug: client errors (4xx), the documented 501 (`oembed-format`: oEmbed's answer to a
 * format it does not offer) and 503 (`unavailable`, shutting down). Issue 14 item 7.
 */
export function logProblem(req: FastifyRequest, problem: Problem, error: unknown): void {
  if (problem.code === 'internal') {
    req.log.error({ err: error }, 'request failed')
    return
  }
  markAnswerExpected(req)
  req.log.debug({ code: problem.code, detail: problem.detail }, 'request refused')
}

/**
 * The problem an error stands for: the edge's own as it is, a domain error's (its fields placed in
 * the parts of `req` that hold them), a framework refusal mapped, else `internal`.
 */
export function toProblem(error: FastifyError, req?: FastifyRequest): Problem {
  if (error instanceof ProblemError) return error.problem
  if (error instanceof DomainError) return domainProblem(error, req)
  if (error.validation) {
    const part = error.validationContext ?? 'body'
    const errors: ProblemFieldError[] = error.validation.map((v) => fieldError(part, v))
    const summary = errors.map((e) => `${e.field || part}: ${e.message}`).join('; ')
    return buildProblem('validation', `Invalid ${part}: ${summary}.`, { errors })
  }
  const mapped = Object.hasOwn(fastifyCodes, error.code) ? fastifyCodes[error.code] : undefined
  if (mapped) return buildProblem(mapped.code, mapped.detail(error))
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return buildProblem('malformed-json', 'The request body is not valid JSON.')
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return buildProblem('bad-request', error.message)
  }
  return buildProblem('internal', 'Something went wrong on the server; it has been logged.')
}

const fastifyCodes: Record<string, { code: ProblemCode; detail: (e: FastifyError) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'body-too-large',
    detail: () => 'The request body is larger than allowed.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported-media-type',
    detail: () => 'Send JSON with Content-Type: application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed-json', detail: () => 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'bad-request',
    detail: () => 'Content-Length does not match the body.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'malformed-json',
    detail: () => 'The request body is not valid JSON.',
  },
}

interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

function fieldError(part: string, v: AjvError): ProblemFieldError {
  if (v.keyword === 'additionalProperties') {
    const name = String(v.params.additionalProperty)
    return { in: part, field: `${v.instancePath}/${name}`, message: `unknown field "${name}"` }
  }
  if (v.keyword === 'required') {
    const name = String(v.params.missingProperty)
    return { in: part, field: `${v.instancePath}/${name}`, message: 'is required' }
  }
  return { in: part, field: v.instancePath, message: v.message ?? v.keyword }
}

export type { FastifyRequest }
