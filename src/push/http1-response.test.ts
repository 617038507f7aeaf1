import { describe, expect, it } from 'vitest'
import { BODY_BYTES_KEPT, ProtocolError, ResponseParser } from './http1-response.js'

/** Feeds `raw` in pieces of `step` bytes; returns the response and whether bytes were left over. */
function parse(raw: string, step = raw.length) {
  const parser = new ResponseParser()
  for (let i = 0; i < raw.length; i += step) {
    const response = parser.push(raw.slice(i, i + step))
    if (response) return { response, extra: parser.hasExtraBytes, atByte: i + step }
  }
  return { response: parser.end(), extra: false, atByte: raw.length }
}

describe('ResponseParser (RFC 9112 framing)', () => {
  const created = 'HTTP/1.1 201 Created\r\nLocation: /m/1\r\nContent-Length: 0\r\n\r\n'

  it('reads a bodiless 201 whole and byte by byte, and keeps the connection', () => {
    for (const step of [created.length, 1, 7]) {
      expect(parse(created, step).response).toEqual({
        status: 201,
        retryAfter: undefined,
        body: '',
        keepAlive: true,
      })
    }
  })

  it('reads chunked bodies with extensions and trailers, keeping a refusal’s text', () => {
    const raw =
      'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '7;x=y\r\nInvalid\r\n6\r\n Token\r\n0\r\nX-Trailer: 1\r\n\r\n'
    for (const step of [raw.length, 1, 5]) {
      expect(parse(raw, step)).toMatchObject({
        response: { status: 400, body: 'Invalid Token', keepAlive: true },
        extra: false,
        atByte: expect.any(Number),
      })
    }
    // Node's empty chunked answer, as the test push service sends it.
    const empty = 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
    expect(parse(empty, 3).response).toMatchObject({ status: 201, body: '', keepAlive: true })
  })

  it('does not keep the body of an accepted message, and stops keeping after the limit', () => {
    expect(parse('HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello').response?.body).toBe('')
    const long = 'x'.repeat(5000)
    const { response } = parse(`HTTP/1.1 413 Too Large\r\nContent-Length: 5000\r\n\r\n${long}`, 999)
    expect(response?.body).toHaveLength(BODY_BYTES_KEPT)
  })

  it('reads Retry-After and Connection: close', () => {
    const raw =
      'HTTP/1.1 429 Too Many Requests\r\nretry-after: 30\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'
    expect(parse(raw).response).toEqual({ status: 429, retryAfter: '30', body: '', keepAlive: false })
    const old = 'HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n'
    expect(parse(old).response?.keepAlive).toBe(false)
    const kept = 'HTTP/1.0 201 Created\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n'
    expect(parse(kept).response?.keepAlive).toBe(true)
  })

  it('skips interim responses and reads bodies that run until the close', () => {
    const raw =
      'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'
    expect(parse(raw, 4).response?.status).toBe(201)
    const parser = new ResponseParser()
    expect(parser.push('HTTP/1.1 500 Oops\r\n\r\nsomething ')).toBeNull()
    expect(parser.push('broke')).toBeNull()
    expect(parser.end()).toEqual({
      status: 500,
      retryAfter: undefined,
      body: 'something broke',
      keepAlive: false,
    })
  })

  it('has no body for 204 and notices bytes after the response', () => {
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n').response?.status).toBe(204)
    expect(parse(`${created}HTTP/1.1 201 Created\r\n`).extra).toBe(true)
  })

  it('says an incomplete response is incomplete', () => {
    const parser = new ResponseParser()
    expect(parser.received).toBe(false)
    expect(parser.push('HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nabc')).toBeNull()
    expect(parser.received).toBe(true)
    expect(parser.end()).toBeNull()
  })

  it('refuses what it cannot frame safely', () => {
    for (const raw of [
      'HTTP/2 200\r\n\r\n',
      'SSH-2.0-OpenSSH\r\n\r\n',
      'HTTP/1.1 201 Created\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'HTTP/1.1 201 Created\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 201 Created\r\nno colon\r\n\r\n',
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n',
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
      `HTTP/1.1 201 Created\r\nX: ${'y'.repeat(20_000)}`,
    ]) {
      expect(() => parse(raw), raw.slice(0, 60)).toThrow(ProtocolError)
    }
  })

  it('does not reuse a connection whose framing is ambiguous', () => {
    const both =
      'HTTP/1.1 400 Bad\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'
    expect(parse(both).response).toMatchObject({ status: 400, body: 'abc', keepAlive: false })
  })
})
