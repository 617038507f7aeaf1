import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

/** A request that took this long is logged at info even when it succeeded. */
export const SLOW_REQUEST_MS = 1_000

/**
 * Request logging for a busy server. Fastify logs two info lines per request ("incoming request",
 * "request completed"); at thousands of requests a second that is more CPU than the requests'
 * own database work, and a log nobody reads. Here, at the default level (info), a request is
 * logged only when it failed (status 500 and up, or an error while responding) or was slow
 * (SLOW_REQUEST_MS); that line carries the method and URL too (secrets redacted: src/logger.ts).
 * Every request is still logged, in Fastify's usual two lines, at debug (BACKLOT_LOG_LEVEL=debug). Refused
 * requests (4xx) are logged at debug by the error handler with their problem code, and so are the
 * documented 5xx answers it marks as expected (the oEmbed 501, the 503 while shutting down).
 */
export class QuietRequestLog extends LogController {
  constructor(private readonly slowMs = SLOW_REQUEST_MS) {
    super()
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const responseTime = reply.elapsedTime
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime }, 'request errored')
    } else if ((reply.statusCode >= 500 && !expectedAnswers.has(request)) || responseTime >= this.slowMs) {
      reply.log.info({ req: request, res: reply, responseTime }, 'request completed')
    } else {
      reply.log.debug({ res: reply, responseTime }, 'request completed')
    }
  }
}

/** Requests answered with a documented 5xx on purpose (see `logProblem`): not failures. */
const expectedAnswers = new WeakSet<FastifyRequest>()

/** Marks a request whose error answer is documented behaviour, so a 5xx one is not logged as failed. */
export function markAnswerExpected(request: FastifyRequest): void {
  expectedAnswers.add(request)
}
