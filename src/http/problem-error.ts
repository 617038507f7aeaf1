import { buildProblem, type EdgeProblemCode, type Problem } from './problems.js'

/**
 * A refusal only the edge can make, carrying its whole problem: one whose code no domain code uses
 * (a cross-site request, a plain GET on the WebSocket endpoint…), or one whose field locations the
 * edge knows for certain (a U+0000 found in a given part of the request). The error handler sends
 * the problem as it is. Domain code throws `DomainError` (src/errors.ts) instead.
 */
export class ProblemError extends Error {
  override name = 'ProblemError'
  constructor(readonly problem: Problem) {
    super(problem.detail)
  }
}

/** Refuses the request with a problem only the edge answers with. */
export function refuseRequest(code: EdgeProblemCode, detail: string, extra?: Record<string, unknown>): never {
  throw new ProblemError(buildProblem(code, detail, extra))
}
