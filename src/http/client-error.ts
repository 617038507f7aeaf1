import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildProblem, type Problem } from './problems.js'

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a raw non-ASCII byte in the URL, a
 * malformed header line, headers over the size limit, headers that never finish arriving) get a
 * problem document like every other refusal (issue 14 item 7); Fastify's default answers in its own
 * JSON shape. Written to the socket by hand because no request or reply exists yet, and the
 * connection is closed after it: the parser cannot tell where the next request would start.
 */
export function answerClientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection has nobody to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const problem = clientErrorProblem(error.code)
  this.log.debug({ code: problem.code, parserError: error.code }, 'request refused by the HTTP parser')
  if (socket.writable) {
    const body = JSON.stringify(problem)
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    )
  }
  socket.destroy(error)
}

function clientErrorProblem(parserCode: string | undefined): Problem {
  if (parserCode === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return buildProblem('request-timeout', 'The request did not arrive in time.')
  }
  if (parserCode === 'HPE_HEADER_OVERFLOW') {
    return buildProblem('headers-too-large', 'The request headers are larger than allowed.')
  }
  return buildProblem(
    'bad-request',
    'The request is not valid HTTP (a URL must be ASCII, with other bytes percent-encoded).',
  )
}
