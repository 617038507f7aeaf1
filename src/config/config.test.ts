import { describe, expect, it } from 'vitest'
import {
  ConfigError,
  configDocTable,
  deprecatedVariables,
  loadConfig,
  unknownBacklotVariables,
} from './config.js'

describe('loadConfig', () => {
  it('gives laptop defaults with no environment at all', () => {
    const config = loadConfig({})
    expect(config.port).toBe(8080)
    expect(config.host).toBe('127.0.0.1')
    expect(config.publicUrl.href).toBe('http://127.0.0.1:8080/')
    expect(config.database.kind).toBe('sqlite')
    expect(config.database.location).toMatch(/data[/\\]backlot\.db$/)
    expect(config.argon2Profile).toBe('owasp')
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads a PostgreSQL URL and a schema', () => {
    const config = loadConfig({
      BACKLOT_DATABASE_URL: 'postgres://u@db:5432/backlot',
      BACKLOT_DATABASE_SCHEMA: 'prod',
    })
    expect(config.database).toEqual({
      kind: 'postgres',
      location: 'postgres://u@db:5432/backlot',
      schema: 'prod',
    })
  })

  it('reads a sqlite: URL as a file path', () => {
    expect(loadConfig({ BACKLOT_DATABASE_URL: 'sqlite:/tmp/x.db' }).database.location).toBe('/tmp/x.db')
  })

  it.each([
    ['BACKLOT_PORT', 'eighty', /BACKLOT_PORT: must be a whole number/],
    ['BACKLOT_PORT', '70000', /BACKLOT_PORT: must be between 0 and 65535/],
    ['BACKLOT_PUBLIC_URL', 'ftp://x', /BACKLOT_PUBLIC_URL: must start with http:\/\/ or https:\/\//],
    ['BACKLOT_PUBLIC_URL', 'not a url', /BACKLOT_PUBLIC_URL: is not a valid URL/],
    ['BACKLOT_DATABASE_URL', 'mysql://x', /BACKLOT_DATABASE_URL: must start with/],
    ['BACKLOT_LOG_LEVEL', 'loud', /BACKLOT_LOG_LEVEL: must be one of/],
    [
      'BACKLOT_DATABASE_SCHEMA',
      'Robert"; drop',
      /BACKLOT_DATABASE_SCHEMA: must be a lower-case SQL identifier/,
    ],
    ['BACKLOT_STREAM_BUFFER_BYTES', '10', /BACKLOT_STREAM_BUFFER_BYTES: must be between/],
    [
      'BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS',
      '10',
      /BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS: must be above BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS/,
    ],
    ['BACKLOT_MAX_CONNECTIONS', 'lots', /BACKLOT_MAX_CONNECTIONS: must be a whole number/],
    [
      'BACKLOT_CONNECTION_LIMIT_EXEMPT',
      '10.0.0.0/8,proxy',
      /BACKLOT_CONNECTION_LIMIT_EXEMPT: "proxy" is not an IP address/,
    ],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(message)
  })

  it('reads the connection limits, exempting loopback unless told otherwise', () => {
    const defaults = loadConfig({}).connections
    expect(defaults).toMatchObject({ maxConnections: 'auto', perAddress: 256, streamsPerAddress: 100 })
    expect(defaults.exempt).toEqual(['127.0.0.0/8', '::1/128'])
    const set = loadConfig({
      BACKLOT_MAX_CONNECTIONS: '5000',
      BACKLOT_CONNECTION_LIMIT_EXEMPT: '10.1.2.3, 2001:db8::/32',
      BACKLOT_HTTP_REQUEST_TIMEOUT_SECONDS: '5',
    }).connections
    expect(set).toMatchObject({ maxConnections: 5000, requestTimeoutMs: 5000 })
    expect(set.exempt).toEqual(['10.1.2.3/32', '2001:db8::/32'])
    expect(loadConfig({ BACKLOT_CONNECTION_LIMIT_EXEMPT: 'none' }).connections.exempt).toEqual([])
  })

  it('uses an https BACKLOT_PUBLIC_URL as given', () => {
    expect(loadConfig({ BACKLOT_PUBLIC_URL: 'https://bts.example.com' }).publicUrl.protocol).toBe('https:')
  })

  it('lists unknown BACKLOT_ variables (typos) and nothing else', () => {
    expect(unknownBacklotVariables({ BACKLOT_DATA_DRI: 'x', BACKLOT_DATA_DIR: 'y', HOME: '/' })).toEqual([
      'BACKLOT_DATA_DRI',
    ])
  })

  // Issue 22: every variable carries the prefix; the old names still work, each reported once.
  it('names every variable with the BACKLOT_ prefix', () => {
    const names = [...configDocTable().matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1])
    expect(names.length).toBeGreaterThan(40)
    expect(names.filter((name) => !name?.startsWith('BACKLOT_'))).toEqual([])
  })

  it('still reads an old unprefixed name, and lists it as deprecated with its new name', () => {
    const env = { PORT: '9090', LOG_LEVEL: 'debug', RATE_LIMIT_REACTIONS: '5/1m', HOME: '/' }
    const config = loadConfig(env)
    expect(config.port).toBe(9090)
    expect(config.logLevel).toBe('debug')
    expect(config.rateLimits.buckets.reactions).toMatchObject({ limit: 5, windowMs: 60_000 })
    expect(deprecatedVariables(env)).toEqual([
      { name: 'PORT', replacement: 'BACKLOT_PORT', isIgnored: false },
      { name: 'LOG_LEVEL', replacement: 'BACKLOT_LOG_LEVEL', isIgnored: false },
      { name: 'RATE_LIMIT_REACTIONS', replacement: 'BACKLOT_RATE_LIMIT_REACTIONS', isIgnored: false },
    ])
  })

  it('names the old variable when its value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      'PORT (now BACKLOT_PORT): must be a whole number, got "eighty"',
    )
  })

  it('lets the new name win when both are set', () => {
    const env = { PORT: '9090', BACKLOT_PORT: '9191' }
    expect(loadConfig(env).port).toBe(9191)
    expect(deprecatedVariables(env)).toEqual([{ name: 'PORT', replacement: 'BACKLOT_PORT', isIgnored: true }])
  })

  it('has no deprecated names for variables that always had the prefix', () => {
    expect(deprecatedVariables({ DATA_DIR: '/x', ARGON2: 'fast' })).toEqual([])
  })
})
