import { Writable } from 'node:stream'
import { createLogger, type Logger } from '../../src/logger.js'

export interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/**
 * The server's own logger (same serializers and redaction as production) writing into memory, for
 * tests that read what a server logs: pass `logger` as the `logger` override of startTestServer.
 */
export function captureLog(level = 'debug'): { logger: Logger; text: () => string; lines: () => LogLine[] } {
  let text = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return {
    logger: createLogger(level, sink),
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine),
  }
}
