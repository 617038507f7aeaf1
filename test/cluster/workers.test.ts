import fs from 'node:fs'
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  freePort,
  type NodeProcess,
  setupCreator,
  startNodeProcess,
  waitUntil,
} from '../_util/node-process.js'
import { StreamClient } from '../_util/stream.js'

/**
 * Issue 7: `backlot serve --workers 2` on the embedded defaults — two processes sharing the port,
 * the SQLite file (WAL) and a bus relayed by the cluster primary.
 */
const SLUG = 'all-cores'

/** One request on a connection of its own, so the primary hands it to the least busy worker. */
function freshRequest(
  url: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = http.request(
      `${url}${path}`,
      { method, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Open sockets of a process, from /proc (Linux): tells which worker holds the streams. */
function socketCount(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')
    } catch {
      return false
    }
  }).length
}

describe('serve --workers 2 on SQLite', () => {
  let node: NodeProcess
  let token: string
  let workerPids: number[]

  beforeAll(async () => {
    node = await startNodeProcess({
      args: ['--workers', '2'],
      port: await freePort(),
      env: { BACKLOT_LOGIN_MAX_ATTEMPTS: '3', BACKLOT_STREAM_HEARTBEAT_SECONDS: '1' },
    })
    workerPids = node.logs.filter((l) => l.msg === 'worker listening').map((l) => Number(l.pid))
    token = await setupCreator(node.url, 'crew', SLUG)
  })

  afterAll(async () => {
    expect(await node?.stop()).toBe(0)
  })

  it('subscribers on both workers receive every post published through either, once and in order', async () => {
    expect(workerPids).toHaveLength(2)
    const before = workerPids.map(socketCount)
    const subscribers = await Promise.all(Array.from({ length: 40 }, () => StreamClient.open(node.url)))
    const joined = await Promise.all(subscribers.map((s) => s.subscribeAndWait(SLUG)))
    // The primary hands each connection to the worker with the fewest open: about 20 each.
    const taken = workerPids.map((pid, i) => socketCount(pid) - before[i]!)
    for (const count of taken) expect(count).toBeGreaterThanOrEqual(15)

    const ids: string[] = []
    for (let i = 0; i < 20; i++) {
      const res = await freshRequest(
        node.url,
        'POST',
        `/api/v1/channels/${SLUG}/posts`,
        { text: `take ${i}` },
        {
          authorization: `Bearer ${token}`,
        },
      )
      expect(res.status).toBe(201)
      ids.push(res.body.id)
    }
    const from = joined[0]!.position.seq + 1
    for (const subscriber of subscribers) {
      await subscriber.waitUntil(() => subscriber.events(SLUG).length >= 20, 60_000)
      const events = subscriber.events(SLUG)
      expect(events.map((f) => f.seq)).toEqual(Array.from({ length: 20 }, (_, i) => from + i))
      expect(events.map((f) => f.event.data.id)).toEqual(ids)
    }
    await Promise.all(subscribers.map((s) => s.close()))
  })

  it('throttles logins across workers: the limit counts attempts on every worker', async () => {
    const attempt = () =>
      freshRequest(
        node.url,
        'POST',
        '/api/v1/sessions',
        { handle: 'crew', password: 'wrong-password-1' },
        {
          origin: node.url,
        },
      )
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status)
    // Three failures spread over two workers already reach BACKLOT_LOGIN_MAX_ATTEMPTS=3.
    expect(statuses).toEqual([401, 401, 401, 429])
  })

  it('restarts a worker that crashed, and the survivors keep serving', async () => {
    const victim = workerPids[0]!
    process.kill(victim, 'SIGKILL')
    const restarted = await node.waitForLog(
      (l) => l.msg === 'worker listening' && !workerPids.includes(Number(l.pid)),
    )
    workerPids = [workerPids[1]!, Number(restarted.pid)]
    await waitUntil(
      async () => (await freshRequest(node.url, 'GET', '/readyz', undefined)).status === 200,
      'ready',
    )
    for (let i = 0; i < 4; i++)
      expect((await freshRequest(node.url, 'GET', '/readyz', undefined)).status).toBe(200)
  })
})
