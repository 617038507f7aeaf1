import pino, { type DestinationStream, type Logger } from 'pino'

/**
 * Root logger: JSON lines on stdout (tests pass their own `destination` to read the lines back).
 * Areas take a child logger (`logger.child({ area })`).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'backlot' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
        remove: true,
      },
    },
    destination,
  )
}

export type { Logger }
