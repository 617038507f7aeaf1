import type { FastifyRequest } from 'fastify'
import { ProblemError } from './problem-error.js'
import { buildProblem } from './problems.js'

/**
 * Refuses U+0000 anywhere in a request's path parameters, query or JSON body (422 `validation`).
 * PostgreSQL cannot store or even compare it in text ("invalid byte sequence"), so it reached
 * the database as a 500 on one dialect and was stored on the other; no field of Backlot has a use
 * for it. One hook at the edge rather than a pattern on every string schema (issue 14 item 7).
 */
export async function refuseNulCharacters(req: FastifyRequest): Promise<void> {
  for (const [part, value] of [
    ['params', req.params],
    ['querystring', req.query],
    ['body', req.body],
  ] as const) {
    const field = findNul(value)
    if (field !== null) {
      // The part is known here for certain, so the problem is built at once (not guessed from the field).
      const detail = `Invalid ${part}: ${field || part} must not contain the character U+0000.`
      throw new ProblemError(
        buildProblem('validation', detail, {
          errors: [{ in: part, field, message: 'must not contain the character U+0000' }],
        }),
      )
    }
  }
}

/** JSON pointer of the first string (value or key) holding U+0000, or null. Iterative: bodies may nest deeply. */
function findNul(root: unknown): string | null {
  const pending: [unknown, string][] = [[root, '']]
  while (pending.length > 0) {
    const [value, pointer] = pending.pop()!
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return pointer
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) pending.push([item, `${pointer}/${index}`])
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`
        if (key.includes('\u0000')) return at
        pending.push([item, at])
      }
    }
  }
  return null
}
