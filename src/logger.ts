import pino, { type Logger } from 'pino'

/** Root logger: JSON lines on stdout. Areas take a child logger (`logger.child({ area })`). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'backlot' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
      remove: true,
    },
  })
}

export type { Logger }
