import { describe, expect, it } from 'vitest'
import type { LiveCredentials } from '../accounts/index.js'
import type { Auth } from '../http/auth.js'
import { createLogger } from '../logger.js'
import type { CloseCode } from './protocol.js'
import { type CredentialStream, StreamCredentials, streamCredential } from './stream-credentials.js'
import type { Prepared } from './wire.js'

class FakeStream implements CredentialStream {
  isClosed = false
  sent: string[] = []
  closedWith: CloseCode | null = null
  constructor(readonly transport: 'ws' | 'sse') {}
  send(frame: Prepared): void {
    this.sent.push(frame.sse.toString())
  }
  close(code: CloseCode): void {
    this.isClosed = true
    this.closedWith = code
  }
}

/** The database's answer, as the test sets it: session id → expiry, live token ids. */
function setup() {
  const clock = { t: 1_000_000, now: () => clock.t }
  const db: LiveCredentials = { sessions: new Map(), tokens: new Set() }
  const asked: { sessions: string[]; tokens: string[] }[] = []
  let failing = false
  const index = new StreamCredentials<FakeStream>({
    clock,
    logger: createLogger('silent'),
    recheckMs: 60_000,
    check: async (ids) => {
      asked.push(ids)
      if (failing) throw new Error('database down')
      return {
        sessions: new Map(
          ids.sessions.flatMap((id) => (db.sessions.has(id) ? [[id, db.sessions.get(id)!]] : [])),
        ),
        tokens: new Set(ids.tokens.filter((id) => db.tokens.has(id))),
      }
    },
  })
  return {
    clock,
    db,
    asked,
    index,
    fail: (is: boolean) => {
      failing = is
    },
  }
}

describe('stream credentials', () => {
  it('closes only the streams of the revoked session or token, with 4401 and the reason', () => {
    const { index } = setup()
    const phone = new FakeStream('ws')
    const laptop = new FakeStream('ws')
    const otherSession = new FakeStream('ws')
    const bot = new FakeStream('ws')
    const anonymous = new FakeStream('ws')
    index.add(phone, { session: 's1' })
    index.add(laptop, { session: 's1' })
    index.add(otherSession, { session: 's2' })
    index.add(bot, { token: 't1' })
    index.add(anonymous, null)
    expect(index.size).toBe(3)

    expect(index.revoked({ session: 's1' })).toBe(2)
    expect(phone.closedWith).toEqual({ code: 4401, reason: 'credentials revoked', reconnect: false })
    expect(laptop.closedWith?.code).toBe(4401)
    expect([otherSession, bot, anonymous].map((s) => s.isClosed)).toEqual([false, false, false])

    expect(index.revoked({ token: 's2' })).toBe(0) // a token and a session never share a key
    expect(index.revoked({ token: 't1' })).toBe(1)
    expect(bot.closedWith?.reason).toBe('credentials revoked')
    expect(index.revoked({ token: 't1' })).toBe(0) // a repeated message (the bus echo) is harmless
    expect(index.size).toBe(1)
  })

  it('leaves streams open on an account revocation (a cached profile refresh, not a logout)', () => {
    const { index } = setup()
    const stream = new FakeStream('ws')
    index.add(stream, { session: 's1' })
    expect(index.revoked({ account: 'acc' })).toBe(0)
    expect(stream.isClosed).toBe(false)
  })

  it('tells an SSE client why with a stream-error event before ending the response', () => {
    const { index } = setup()
    const sse = new FakeStream('sse')
    const ws = new FakeStream('ws')
    index.add(sse, { token: 't1' })
    index.add(ws, { token: 't1' })
    index.revoked({ token: 't1' })
    expect(sse.sent).toHaveLength(1)
    expect(sse.sent[0]).toMatch(/^event: stream-error\ndata: \{"type":"error","code":"unauthenticated"/)
    expect(sse.isClosed).toBe(true)
    expect(ws.sent).toEqual([])
  })

  it('forgets streams that stopped, and a credential once its last stream did', () => {
    const { index } = setup()
    const a = new FakeStream('ws')
    const b = new FakeStream('ws')
    index.add(a, { session: 's1' })
    index.add(b, { session: 's1' })
    index.remove(a)
    expect(index.size).toBe(1)
    index.remove(b)
    expect(index.size).toBe(0)
    expect(index.revoked({ session: 's1' })).toBe(0)
    expect(a.isClosed || b.isClosed).toBe(false)
  })

  it('checks a new credential at the next sweep, then at a session’s expiry or every recheck interval', async () => {
    const { clock, db, asked, index } = setup()
    db.sessions.set('s1', clock.t + 90_000)
    db.sessions.set('s2', clock.t + 10_000)
    db.tokens.add('t1')
    const long = new FakeStream('ws')
    const short = new FakeStream('ws')
    const bot = new FakeStream('ws')
    index.add(long, { session: 's1' })
    index.add(short, { session: 's2' })
    index.add(bot, { token: 't1' })

    await index.recheck()
    expect(asked).toEqual([{ sessions: ['s1', 's2'], tokens: ['t1'] }])
    await index.recheck()
    expect(asked).toHaveLength(1) // nothing due

    clock.t += 10_000 // s2's expiry: only s2 is due
    await index.recheck()
    expect(asked[1]).toEqual({ sessions: ['s2'], tokens: [] })
    expect(short.closedWith).toEqual({ code: 4401, reason: 'session expired', reconnect: false })

    clock.t += 50_000 // the recheck interval: s1 (not yet expired) and t1
    await index.recheck()
    expect(asked[2]).toEqual({ sessions: ['s1'], tokens: ['t1'] })
    expect(long.isClosed || bot.isClosed).toBe(false)
  })

  it('keeps a session another request extended, and ends it at the new expiry', async () => {
    const { clock, db, index } = setup()
    db.sessions.set('s1', clock.t + 5_000)
    const stream = new FakeStream('ws')
    index.add(stream, { session: 's1' })
    await index.recheck()
    db.sessions.set('s1', clock.t + 20_000) // a request on some node slid the expiry forward
    clock.t += 5_000
    await index.recheck()
    expect(stream.isClosed).toBe(false)
    clock.t += 15_000
    await index.recheck()
    expect(stream.closedWith?.reason).toBe('session expired')
  })

  it('ends streams whose logout or revocation this node never heard (the bus is lossy)', async () => {
    const { clock, db, index } = setup()
    db.sessions.set('s1', clock.t + 3_600_000)
    db.tokens.add('t1')
    const session = new FakeStream('ws')
    const token = new FakeStream('sse')
    index.add(session, { session: 's1' })
    index.add(token, { token: 't1' })
    await index.recheck()
    db.sessions.delete('s1')
    db.tokens.delete('t1')
    await index.recheck()
    expect(session.isClosed || token.isClosed).toBe(false) // not due yet
    clock.t += 60_000
    await index.recheck()
    expect(session.closedWith?.reason).toBe('credentials revoked')
    expect(token.closedWith?.reason).toBe('credentials revoked')
    expect(index.size).toBe(0)
  })

  it('reports a session deleted after its known expiry as expired', async () => {
    const { clock, db, index } = setup()
    db.sessions.set('s1', clock.t + 1_000)
    const stream = new FakeStream('ws')
    index.add(stream, { session: 's1' })
    await index.recheck()
    db.sessions.delete('s1') // another node's lookup found it expired and deleted it
    clock.t += 1_000
    await index.recheck()
    expect(stream.closedWith?.reason).toBe('session expired')
  })

  it('keeps the streams when the check fails, and checks again at the next sweep', async () => {
    const { asked, index, fail } = setup()
    const stream = new FakeStream('ws')
    index.add(stream, { token: 't1' })
    fail(true)
    await index.recheck()
    expect(stream.isClosed).toBe(false)
    fail(false)
    await index.recheck()
    expect(asked).toHaveLength(2)
    expect(stream.closedWith?.reason).toBe('credentials revoked') // t1 was never in db.tokens
  })

  it('runs one check at a time', async () => {
    const { asked, index } = setup()
    index.add(new FakeStream('ws'), { token: 't1' })
    await Promise.all([index.recheck(), index.recheck()])
    expect(asked).toHaveLength(1)
  })

  it('remembers the session or token id of an authenticated request, nothing for anonymous', () => {
    const account = {} as Auth['account']
    expect(streamCredential({ account, via: 'session', scopes: 'all', sessionId: 'h' })).toEqual({
      session: 'h',
    })
    expect(streamCredential({ account, via: 'token', scopes: new Set(), tokenId: 'id' })).toEqual({
      token: 'id',
    })
    expect(streamCredential(null)).toBeNull()
  })
})
