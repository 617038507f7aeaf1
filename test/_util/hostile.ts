import http from 'node:http'
import fc from 'fast-check'

/**
 * Hostile input for the property test over every route (test/integration/hostile-input.test.ts,
 * issue 14 item 7): route discovery, raw HTTP requests that keep odd bytes intact, and the
 * fast-check arbitraries for path segments, query strings and JSON bodies.
 */

export interface RouteSpec {
  method: string
  /** Fastify's pattern, e.g. /api/v1/channels/:slug/posts/:id. */
  url: string
}

/**
 * Every method + path of the app, read from Fastify's route tree (`app.printRoutes()`): each line
 * is a radix-tree node whose label continues its parent's, so a route's path is its ancestors'
 * labels joined. Fastify offers no other listing after the fact; the test checks the parse finds
 * routes it knows, so a change in this format fails loudly instead of fuzzing nothing.
 */
export function routesOf(tree: string): RouteSpec[] {
  const routes: RouteSpec[] = []
  const labels: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!match) continue
    labels.length = match[1]!.length / 4
    labels.push(match[2]!)
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url: labels.join('') })
  }
  return routes
}

/** Path segments as they go on the wire (already percent-encoded where they are meant to be). */
const wireSegments = [
  // Object.prototype's members: a name looked up in an object literal finds them.
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
  'isPrototypeOf',
  // dots, slashes and broken percent-encodings
  '.',
  '..',
  '%2e%2e',
  '%2F',
  '%5C',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%E0%A4%A',
  '%c0%af',
  '%ff%fe',
  // a raw Latin-1 byte (not UTF-8) and encoded Unicode: emoji, right-to-left, zero-width, NFD
  'ü',
  encodeURIComponent('😀'),
  encodeURIComponent('\u202egnp.exe'),
  encodeURIComponent('a\u200bb'),
  encodeURIComponent('e\u0301'),
  '%ED%A0%80', // a UTF-16 surrogate encoded as if it were a code point (invalid UTF-8)
  // numbers and words that parsers like
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '9007199254740993',
  '0x10',
  'null',
  'undefined',
  'true',
  '%5B%5D',
  '%7B%7D',
  '%27%20OR%201%3D1--',
  '%3Cscript%3E',
  'a'.repeat(5000),
  encodeURIComponent('ü'.repeat(300)),
]

/** encodeURIComponent for any string: lone surrogates (which it refuses) become U+FFFD first. */
export function encode(text: string): string {
  return encodeURIComponent(Buffer.from(text).toString())
}

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', 'x'.repeat(2000), 'é', 'é', '__proto__', 'constructor'),
)

/** A path segment on the wire: hostile, random (encoded), or one of the seeded real values. */
export function pathSegment(realValues: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...wireSegments) },
    { weight: 2, arbitrary: hostileText.map(encode) },
    { weight: 2, arbitrary: fc.constantFrom(...realValues).map(encode) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...realValues), fc.constantFrom('.json', '%00', '/', '..', '%2F..'))
        .map(([value, suffix]) => encode(value) + suffix),
    },
  )
}

/** Values that decoders of opaque parameters (cursors, positions) meet: base64url of junk JSON. */
const opaqueValue = fc
  .oneof(
    fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
    fc.constantFrom('{"__proto__":{"x":1}}', '[1,2', '{"t":"x","id":"y"}', '{"seq":-1}'),
    fc.string({ unit: 'binary', maxLength: 30 }),
  )
  .map((text) => Buffer.from(text).toString('base64url'))

/** A query string (with its `?`): repeated keys, prototype names, hostile and opaque values. */
export function queryString(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[b]', 'toString', '') },
    { weight: 1, arbitrary: hostileText },
  )
  const value = fc.oneof(
    hostileText.map(encode),
    fc.constantFrom(...wireSegments),
    opaqueValue,
    fc.nat(1000).map(String),
  )
  const pair = fc.tuple(name.map(encode), value).map(([k, v]) => `${k}=${v}`)
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 4, arbitrary: fc.array(pair, { maxLength: 6 }).map((pairs) => `?${pairs.join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?a', '?%', '?a=%zz', '?a=1&a=2&a=3') },
  )
}

/** A JSON-ish value that tends to hit validators' edges. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(-1, 0, 2 ** 53, 1e308, -0),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileText, tie('value'), { maxKeys: 4 }),
  ),
})).value

export interface Body {
  text: string
  contentType: string
}

/**
 * A request body for a write route: an object with the route's own field names (so validators and
 * services see plausible shapes), any JSON, or text that is not quite JSON.
 */
export function body(fieldNames: readonly string[]): fc.Arbitrary<Body | undefined> {
  const field = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(fieldNames.length > 0 ? fieldNames : ['text'])) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype') },
  )
  const object = fc
    .array(fc.tuple(field, hostileJson), { maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`)
  const raw = fc.constantFrom(
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '[]',
    'null',
    '"text"',
    '{',
    '{"text":"\\u0000"}',
    '1e999',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    '',
  )
  const json = fc.oneof(
    object,
    fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
    raw,
  )
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'application/json; charset=latin1',
        'text/plain',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/problem+json',
      ),
    },
  )
  return fc.option(
    fc.record({ text: json, contentType }).map((b) => b as Body),
    { freq: 5 },
  )
}

export interface RawResponse {
  status: number
  contentType: string
  text: string
}

/**
 * One request with the path sent exactly as given (fetch would normalise `..`, `%2e` and
 * backslashes away). A response body is read up to 64 KiB; an event stream is cut after its headers.
 */
export function rawRequest(
  base: URL,
  options: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: options.method,
        path: options.path,
        headers:
          options.body === undefined
            ? options.headers
            : { ...options.headers, 'content-length': Buffer.byteLength(options.body) },
        timeout: 15_000,
        // A connection per request: a reused keep-alive socket the server is just closing would
        // fail the request for a reason that has nothing to do with its input.
        agent: false,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '')
        const chunks: Buffer[] = []
        let size = 0
        const done = () => {
          res.destroy()
          resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString() })
        }
        if (contentType.startsWith('text/event-stream')) return done()
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          if (size > 65_536) done()
        })
        res.on('end', done)
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer to ${options.method} ${options.path}`)))
    req.on('error', reject)
    req.end(options.body)
  })
}
