import type { DomainError } from '../errors.js'
import { domainProblem } from './domain-problem.js'
import type { Problem } from './problems.js'

/**
 * A domain refusal as a Fetch API Response in RFC 9457 problem+json, for the surfaces that answer
 * through a Fetch handler rather than Fastify's reply (the ActivityPub inbox in front of Fedify's
 * `federation.fetch`). Same body and Retry-After as the Fastify error handler (error-handler.ts).
 */
export function domainErrorResponse(error: DomainError, instance?: string): Response {
  const problem: Problem = { ...domainProblem(error), ...(instance ? { instance } : {}) }
  const headers = new Headers({ 'content-type': 'application/problem+json' })
  if (problem.status === 429 && typeof problem.retryAfterSeconds === 'number')
    headers.set('retry-after', String(problem.retryAfterSeconds))
  return new Response(JSON.stringify(problem), { status: problem.status, headers })
}
