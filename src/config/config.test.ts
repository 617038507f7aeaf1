import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, unknownBacklotVariables } from './config.js'

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
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/backlot', DATABASE_SCHEMA: 'prod' })
    expect(config.database).toEqual({
      kind: 'postgres',
      location: 'postgres://u@db:5432/backlot',
      schema: 'prod',
    })
  })

  it('reads a sqlite: URL as a file path', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database.location).toBe('/tmp/x.db')
  })

  it.each([
    ['PORT', 'eighty', /PORT: must be a whole number/],
    ['PORT', '70000', /PORT: must be between 0 and 65535/],
    ['PUBLIC_URL', 'ftp://x', /PUBLIC_URL: must start with http:\/\/ or https:\/\//],
    ['PUBLIC_URL', 'not a url', /PUBLIC_URL: is not a valid URL/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must start with/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of/],
    ['DATABASE_SCHEMA', 'Robert"; drop', /DATABASE_SCHEMA: must be a lower-case SQL identifier/],
    ['STREAM_BUFFER_BYTES', '10', /STREAM_BUFFER_BYTES: must be between/],
    [
      'HTTP_IDLE_TIMEOUT_SECONDS',
      '10',
      /HTTP_IDLE_TIMEOUT_SECONDS: must be above MEDIA_PROCESSING_WAIT_SECONDS/,
    ],
    ['MAX_CONNECTIONS', 'lots', /MAX_CONNECTIONS: must be a whole number/],
    ['CONNECTION_LIMIT_EXEMPT', '10.0.0.0/8,proxy', /CONNECTION_LIMIT_EXEMPT: "proxy" is not an IP address/],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(message)
  })

  it('reads the connection limits, exempting loopback unless told otherwise', () => {
    const defaults = loadConfig({}).connections
    expect(defaults).toMatchObject({ maxConnections: 'auto', perAddress: 256, streamsPerAddress: 100 })
    expect(defaults.exempt).toEqual(['127.0.0.0/8', '::1/128'])
    const set = loadConfig({
      MAX_CONNECTIONS: '5000',
      CONNECTION_LIMIT_EXEMPT: '10.1.2.3, 2001:db8::/32',
      HTTP_REQUEST_TIMEOUT_SECONDS: '5',
    }).connections
    expect(set).toMatchObject({ maxConnections: 5000, requestTimeoutMs: 5000 })
    expect(set.exempt).toEqual(['10.1.2.3/32', '2001:db8::/32'])
    expect(loadConfig({ CONNECTION_LIMIT_EXEMPT: 'none' }).connections.exempt).toEqual([])
  })

  it('uses an https PUBLIC_URL as given', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://bts.example.com' }).publicUrl.protocol).toBe('https:')
  })

  it('lists unknown BACKLOT_ variables (typos) and nothing else', () => {
    expect(unknownBacklotVariables({ BACKLOT_DATA_DRI: 'x', BACKLOT_DATA_DIR: 'y', HOME: '/' })).toEqual([
      'BACKLOT_DATA_DRI',
    ])
  })
})
