import type { FastifyRequest } from 'fastify'
import type { DomainError, FieldError } from '../errors.js'
import { buildProblem, type Problem, type ProblemFieldError } from './problems.js'

/** The parts of a request a domain error's field can be in, named as Fastify's validation names them. */
export type RequestPart = 'body' | 'querystring' | 'params'

/**
 * The problem a domain error stands for: the catalog's status and title for its reason (the
 * `code`), its detail and extra members, and each field error placed in the part of `req` that
 * holds it. Without a request (an edge that shows no field errors) every field is in the body.
 */
export function domainProblem(error: DomainError, req?: FastifyRequest): Problem {
  const { errors } = error.extra
  // Replacing the member in place keeps the members in the order the service gave them.
  const extra = errors ? { ...error.extra, errors: errors.map((e) => placeField(e, req)) } : error.extra
  return buildProblem(error.reason, error.detail, extra)
}

function placeField(error: FieldError, req: FastifyRequest | undefined): ProblemFieldError {
  return { in: req ? partHolding(req, error.field) : 'body', field: error.field, message: error.message }
}

/**
 * Where the field at `pointer` is in a request to this route: in the part whose schema declares the
 * pointer's first segment. The body is asked first, as services' input mostly comes from it and a
 * body may repeat a path parameter's name (a channel's slug). A field no schema declares (a
 * multipart form's, or '' for the whole input) is the body's. Decided by the route, not by what a
 * client happened to send, so the same refusal always names the same part.
 */
export function partHolding(req: FastifyRequest, pointer: string): RequestPart {
  const name = firstSegment(pointer)
  const schema = req.routeOptions.schema
  if (name === null || !schema || declares(schema.body, name)) return 'body'
  if (declares(schema.querystring, name)) return 'querystring'
  if (declares(schema.params, name)) return 'params'
  return 'body'
}

/** The first reference token of a JSON pointer, unescaped (RFC 6901), or null for '' (the whole). */
function firstSegment(pointer: string): string | null {
  if (!pointer.startsWith('/')) return null
  const end = pointer.indexOf('/', 1)
  const token = pointer.slice(1, end === -1 ? undefined : end)
  return token.replaceAll('~1', '/').replaceAll('~0', '~')
}

interface ObjectSchema {
  properties?: Record<string, unknown>
  anyOf?: unknown[]
  allOf?: unknown[]
  oneOf?: unknown[]
}

/** Whether a route's JSON schema for one part declares a property `name` (in any of its branches). */
function declares(schema: unknown, name: string): boolean {
  if (typeof schema !== 'object' || schema === null) return false
  const { properties, anyOf = [], allOf = [], oneOf = [] } = schema as ObjectSchema
  if (properties && Object.hasOwn(properties, name)) return true
  return [...anyOf, ...allOf, ...oneOf].some((branch) => declares(branch, name))
}
