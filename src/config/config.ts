import path from 'node:path'
import { ConfigError, variables } from './variables.js'

export { ConfigError }

type Parsed = { [K in keyof typeof variables]: ReturnType<(typeof variables)[K]['parse']> }

export interface DatabaseConfig {
  kind: 'sqlite' | 'postgres'
  /** File path for SQLite, connection string for PostgreSQL. */
  location: string
  schema: string
}

/** The validated, frozen configuration. Only `src/config/` reads `process.env`. */
export interface Config {
  host: string
  port: number
  publicUrl: URL
  /** True when PUBLIC_URL was not set and was derived from HOST and PORT (updated once the port is known). */
  publicUrlIsDefault: boolean
  dataDir: string
  database: DatabaseConfig
  logLevel: Parsed['logLevel']
  trustProxy: boolean | number
  argon2Profile: Parsed['argon2Profile']
  sessionTtlMs: number
  bodyLimitBytes: number
  registration: Parsed['registration']
  stream: { replayLimit: number; bufferBytes: number; heartbeatMs: number }
  loginLimit: { maxAttempts: number; windowMs: number }
}

type Env = Record<string, string | undefined>

/** Reads and validates configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const raw = {} as Record<string, unknown>
  for (const [key, spec] of Object.entries(variables)) raw[key] = spec.parse(env[spec.name])
  const p = raw as Parsed
  const dataDir = path.resolve(p.dataDir)
  const config: Config = {
    host: p.host,
    port: p.port,
    publicUrl: p.publicUrl ?? new URL(`http://${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`),
    publicUrlIsDefault: p.publicUrl === undefined,
    dataDir,
    database: databaseConfig(p.databaseUrl, dataDir, p.databaseSchema),
    logLevel: p.logLevel,
    trustProxy: p.trustProxy,
    argon2Profile: p.argon2Profile,
    sessionTtlMs: p.sessionTtlDays * 86_400_000,
    bodyLimitBytes: p.bodyLimitBytes,
    registration: p.registration,
    stream: {
      replayLimit: p.replayLimit,
      bufferBytes: p.streamBufferBytes,
      heartbeatMs: p.heartbeatSeconds * 1000,
    },
    loginLimit: { maxAttempts: p.loginMaxAttempts, windowMs: p.loginWindowSeconds * 1000 },
    ...overrides,
  }
  return Object.freeze(config)
}

function databaseConfig(url: URL | undefined, dataDir: string, schema: string): DatabaseConfig {
  if (!url) return { kind: 'sqlite', location: path.join(dataDir, 'backlot.db'), schema }
  if (url.protocol === 'sqlite:') {
    const file = decodeURIComponent(url.href.slice('sqlite:'.length).replace(/^\/\//, ''))
    if (!file)
      throw new ConfigError('DATABASE_URL', 'sqlite: URL needs a file path, e.g. sqlite:./data/backlot.db')
    return { kind: 'sqlite', location: file === ':memory:' ? file : path.resolve(file), schema }
  }
  return { kind: 'postgres', location: url.href, schema }
}

/** Names of BACKLOT_* variables that are set but unknown (likely typos); the caller warns about them. */
export function unknownBacklotVariables(env: Env = process.env): string[] {
  const known = new Set<string>(Object.values(variables).map((v) => v.name))
  return Object.keys(env).filter((name) => name.startsWith('BACKLOT_') && !known.has(name))
}

/** Markdown table of every variable, for docs/config.md. */
export function configDocTable(): string {
  const rows = Object.values(variables).map(
    (v) =>
      `| \`${v.name}\` | ${v.defaultText === undefined ? '—' : `\`${v.defaultText}\``} | ${v.description} |`,
  )
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n')
}
