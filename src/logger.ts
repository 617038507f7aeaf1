import pino, { type DestinationStream, type Logger } from 'pino'
import { redactUrl } from './util/redact-url.js'

/**
 * Root logger: JSON lines on stdout (tests pass their own `destination` to read the lines back).
 * Areas take a child logger (`logger.child({ area })`).
 *
 * Secrets stay out of every line (issue 14 item 8): a logged request is only its method, redacted
 * URL (`util/redact-url.ts`) and host — never its headers, so Authorization and Cookie cannot
 * appear — and fields named password or token are removed wherever they are logged.
 *
 * Nor the client's address (issue 19 part 5, docs/privacy.md): logs are kept and shipped far longer
 * than a day, and Backlot promises that no reader's address is stored. Abuse handling uses the
 * rate limits, which hold addresses in memory (or Redis) for their window only.
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
}

/** Replaces Fastify's request serializer: method, URL with secrets redacted, host; no address or port. */
function requestForLog(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
  }
}

export type { Logger }
