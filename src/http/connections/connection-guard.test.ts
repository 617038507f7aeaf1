import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { RawConnection } from '../../../test/_util/sockets.js'
import { createLogger } from '../../logger.js'
import { createMetrics } from '../../metrics.js'
import { addressRanges } from './address.js'
import { type ConnectionGuard, guardConnections } from './connection-guard.js'

/**
 * The guard on a bare node:http server: which connection goes when the process is at capacity.
 * `/hold` answers only when told to, standing in for a request under way (an upload, an SSE stream).
 */
describe('guardConnections at capacity', () => {
  const held: http.ServerResponse[] = []
  const clients: RawConnection[] = []
  let server: http.Server
  let url: string
  let guard: ConnectionGuard

  async function start(capacity: number) {
    server = http.createServer((req, res) => {
      if (req.url === '/hold') {
        res.writeHead(200)
        res.write('held\n')
        held.push(res)
      } else res.end('ok')
    })
    guard = guardConnections(server, {
      perAddress: 0,
      exempt: addressRanges([]),
      capacity,
      logger: createLogger('silent'),
      metrics: createMetrics(),
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async function connect(request?: string) {
    const connection = await RawConnection.open(url)
    clients.push(connection)
    if (request) {
      connection.write(`GET ${request} HTTP/1.1\r\nHost: t\r\n\r\n`)
      await expect.poll(() => connection.received).not.toBe('')
    }
    return connection
  }

  afterEach(async () => {
    for (const res of held.splice(0)) res.end()
    for (const client of clients.splice(0)) client.destroy()
    await new Promise((resolve) => server.close(resolve))
  })

  it('closes the longest-idle connection to admit a new one, never one with a request under way', async () => {
    await start(3)
    const busy = await connect('/hold')
    const older = await connect()
    const newer = await connect('/ok') // answered: idle again, but more recently than `older`
    const fresh = await connect('/ok')
    await older.waitClosed()
    expect(busy.isClosed).toBe(false)
    expect(newer.isClosed).toBe(false)
    expect(fresh.received).toMatch(/^HTTP\/1\.1 200 /)
    expect(guard.open).toBe(3)
  })

  it('refuses a new connection when every connection is busy', async () => {
    await start(2)
    const first = await connect('/hold')
    const second = await connect('/hold')
    const refused = await connect()
    await refused.waitClosed()
    expect(first.isClosed || second.isClosed).toBe(false)
    expect(guard.open).toBe(2)
  })
})
