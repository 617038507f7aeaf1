import { Writable } from 'node:stream'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { QuietRequestLog } from './request-log.js'

/** A Fastify app logging into an array, with a route that answers and one that fails. */
async function appLoggingAt(level: string, slowMs?: number) {
  const lines: { level: number; msg: string; req?: { method: string; url: string } }[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  const app = Fastify({
    loggerInstance: pino({ level }, sink) as FastifyBaseLogger,
    logController: new QuietRequestLog(slowMs),
  })
  app.get('/ok', async () => ({ ok: true }))
  app.get('/broken', async () => {
    throw new Error('boom')
  })
  await app.ready()
  return { app, lines }
}

describe('request logging', () => {
  let close: () => Promise<void> = async () => {}
  afterEach(() => close())

  it('logs nothing at info for a request that succeeded quickly', async () => {
    const { app, lines } = await appLoggingAt('info')
    close = () => app.close()
    expect((await app.inject('/ok')).statusCode).toBe(200)
    expect(lines).toEqual([])
  })

  it('logs a failed request at info or above, with its method and URL', async () => {
    const { app, lines } = await appLoggingAt('info')
    close = () => app.close()
    expect((await app.inject('/broken')).statusCode).toBe(500)
    const completed = lines.find((l) => l.msg === 'request completed')
    expect(completed?.level).toBe(30)
    expect(completed?.req).toMatchObject({ method: 'GET', url: '/broken' })
  })

  it('logs a slow request at info', async () => {
    const { app, lines } = await appLoggingAt('info', 0)
    close = () => app.close()
    await app.inject('/ok')
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[30, 'request completed']])
  })

  it('logs every request, in both lines, at debug', async () => {
    const { app, lines } = await appLoggingAt('debug')
    close = () => app.close()
    await app.inject('/ok')
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [20, 'incoming request'],
      [20, 'request completed'],
    ])
  })
})
