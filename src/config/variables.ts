/**
 * Every environment variable Backlot reads, with its default and the reason for it.
 * `docs/config.md` is generated from this table (`backlot config-doc`), so the two cannot drift.
 */
export interface VariableSpec<T> {
  name: string
  description: string
  /** Shown in docs; `undefined` means "no default (optional)". */
  defaultText: string | undefined
  parse: (raw: string | undefined) => T
}

export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
  }
}

function integer(name: string, fallback: number, min: number, max: number) {
  return (raw: string | undefined): number => {
    if (raw === undefined || raw === '') return fallback
    if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`)
    const value = Number(raw)
    if (value < min || value > max)
      throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`)
    return value
  }
}

function oneOf<T extends string>(name: string, values: readonly T[], fallback: T) {
  return (raw: string | undefined): T => {
    if (raw === undefined || raw === '') return fallback
    if (!(values as readonly string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`)
    }
    return raw as T
  }
}

function url(name: string, protocols: string[]) {
  return (raw: string | undefined): URL | undefined => {
    if (raw === undefined || raw === '') return undefined
    let parsed: URL
    try {
      parsed = new URL(raw)
    } catch {
      throw new ConfigError(name, `is not a valid URL: "${raw}"`)
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(
        name,
        `must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`,
      )
    }
    return parsed
  }
}

export const variables = {
  host: {
    name: 'HOST',
    description: 'Address to listen on. Use 0.0.0.0 to accept connections from other machines.',
    defaultText: '127.0.0.1',
    parse: (raw: string | undefined) => raw || '127.0.0.1',
  },
  port: {
    name: 'PORT',
    description: 'TCP port for HTTP, WebSocket and public pages. 0 picks a free port.',
    defaultText: '8080',
    parse: integer('PORT', 8080, 0, 65535),
  },
  publicUrl: {
    name: 'PUBLIC_URL',
    description:
      'The URL users reach the server at. Used for links, cookie `Secure` flag (https), and the Origin check on cookie-authenticated writes and WebSockets. Defaults to http://HOST:PORT.',
    defaultText: undefined,
    parse: url('PUBLIC_URL', ['http:', 'https:']),
  },
  dataDir: {
    name: 'BACKLOT_DATA_DIR',
    description: 'Folder for the SQLite database and media files. Created if missing.',
    defaultText: './data',
    parse: (raw: string | undefined) => raw || './data',
  },
  databaseUrl: {
    name: 'DATABASE_URL',
    description:
      'Where state lives: `sqlite:PATH` (relative to the working directory) or `postgres://user@host:port/db`. Defaults to SQLite in BACKLOT_DATA_DIR/backlot.db.',
    defaultText: undefined,
    parse: url('DATABASE_URL', ['sqlite:', 'postgres:', 'postgresql:']),
  },
  databaseSchema: {
    name: 'DATABASE_SCHEMA',
    description:
      'PostgreSQL schema to use (created if missing). Lets several instances or test runs share one database.',
    defaultText: 'public',
    parse: (raw: string | undefined) => {
      const value = raw || 'public'
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
        throw new ConfigError('DATABASE_SCHEMA', `must be a lower-case SQL identifier, got "${value}"`)
      }
      return value
    },
  },
  logLevel: {
    name: 'LOG_LEVEL',
    description: 'Minimum level of the JSON logs on stdout.',
    defaultText: 'info',
    parse: oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
  },
  trustProxy: {
    name: 'TRUST_PROXY',
    description:
      'Set to `true` (or a hop count) when behind a reverse proxy, so client addresses come from X-Forwarded-For.',
    defaultText: 'false',
    parse: (raw: string | undefined): boolean | number => {
      if (raw === undefined || raw === '' || raw === 'false') return false
      if (raw === 'true') return true
      return integer('TRUST_PROXY', 0, 0, 10)(raw)
    },
  },
  argon2Profile: {
    name: 'BACKLOT_ARGON2',
    description:
      'Password hashing cost. `owasp` is argon2id m=19 MiB, t=2, p=1 (OWASP 2023). `fast` is for test suites only.',
    defaultText: 'owasp',
    parse: oneOf('BACKLOT_ARGON2', ['owasp', 'fast'] as const, 'owasp'),
  },
  sessionTtlDays: {
    name: 'SESSION_TTL_DAYS',
    description: 'How long a login session lasts without use.',
    defaultText: '30',
    parse: integer('SESSION_TTL_DAYS', 30, 1, 365),
  },
  bodyLimitBytes: {
    name: 'BODY_LIMIT_BYTES',
    description: 'Largest JSON request body accepted. Larger bodies get a 413 problem.',
    defaultText: '1048576',
    parse: integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
  },
  replayLimit: {
    name: 'STREAM_REPLAY_LIMIT',
    description:
      'Most events a resuming subscriber is replayed per channel; a larger gap gets a `reset` frame (reload instead).',
    defaultText: '1000',
    parse: integer('STREAM_REPLAY_LIMIT', 1000, 1, 100_000),
  },
  streamBufferBytes: {
    name: 'STREAM_BUFFER_BYTES',
    description:
      'Unsent bytes a stream subscriber may have queued before it is closed as too slow (code 4008); it then resumes from its sequence.',
    defaultText: '1048576',
    parse: integer('STREAM_BUFFER_BYTES', 1_048_576, 4096, 256 * 1_048_576),
  },
  heartbeatSeconds: {
    name: 'STREAM_HEARTBEAT_SECONDS',
    description: 'Interval of heartbeat frames on live streams (keeps proxies open, detects dead peers).',
    defaultText: '25',
    parse: integer('STREAM_HEARTBEAT_SECONDS', 25, 1, 300),
  },
  loginMaxAttempts: {
    name: 'LOGIN_MAX_ATTEMPTS',
    description:
      'Failed logins allowed per account, and ten times that per client address, within LOGIN_WINDOW_SECONDS.',
    defaultText: '10',
    parse: integer('LOGIN_MAX_ATTEMPTS', 10, 1, 10_000),
  },
  loginWindowSeconds: {
    name: 'LOGIN_WINDOW_SECONDS',
    description: 'Window of the login attempt limit.',
    defaultText: '900',
    parse: integer('LOGIN_WINDOW_SECONDS', 900, 1, 86_400),
  },
  registration: {
    name: 'REGISTRATION',
    description: '`open`: anyone may register. `closed`: only `backlot user create` makes accounts.',
    defaultText: 'open',
    parse: oneOf('REGISTRATION', ['open', 'closed'] as const, 'open'),
  },
} satisfies Record<string, VariableSpec<unknown>>
