import pino, { type DestinationStream, type Logger } from 'pino'
import { redactUrl } from './util/redact-url.js'

/**
 * Root logger: JSON lines on stdout (tests pass their own `destination` to read the lines back).
 * Areas take a child logger (`logger.child({ area })`).
 *
 * Secrets stay out of every line (issue 14 item 8): a logged request is only its method, redacted
 * URL (`util/redact-url.ts`) and client address — never its headers, so Authorization and Cookie
 * cannot appear — and fields named password or token are removed wherever they are logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'backlot' },
      serializers: { req: requestForLog },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
        remove: true,
      },
    },
    destination,
  )
}

interface LoggedRequest {
  method?: string
  url?: string
  host?: string
  ip?: string
  socket?: { remoteAddress?: string; remotePort?: number } | null
}

/** Replaces Fastify's request serializer: the same fields, with secrets in the URL redacted. */
function requestForLog(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  }
}

export type { Logger }
