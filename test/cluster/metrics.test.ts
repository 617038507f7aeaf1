import { afterEach, describe, expect, it } from 'vitest'
import { freePort, type NodeProcess, startNodeProcess } from '../_util/node-process.js'

// Issue 22, point 6: /metrics reports every worker of `serve --workers N`, and can be kept from
// the public (a bearer token, or a port of its own).
const TOKEN = 'metrics-token-for-tests-0123456789'
let node: NodeProcess | undefined
afterEach(async () => {
  await node?.stop()
  node = undefined
})

/** Each worker's internal address, from its "worker ready" log line. */
async function workerUrls(n: NodeProcess, count: number): Promise<string[]> {
  for (let i = 0; i < 600; i++) {
    const urls = n.logs.filter((l) => String(l.msg).startsWith('worker ready')).map((l) => String(l.url))
    if (urls.length >= count) return urls
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('workers did not report ready')
}

/** 3 health checks on the first worker, 5 on the second: only a sum over both makes 8. */
async function hitWorkersUnevenly(n: NodeProcess) {
  const [first, second] = await workerUrls(n, 2)
  for (const [url, times] of [
    [first, 3],
    [second, 5],
  ] as const) {
    for (let i = 0; i < times; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200)
  }
}

const healthCount = (text: string) =>
  Number(
    /^backlot_http_requests_total\{method="GET",route="\/healthz",status="2xx"\} (\d+)$/m.exec(text)?.[1],
  )

describe('/metrics', () => {
  it('under --workers 2 sums every worker, and asks for the token when one is set', async () => {
    node = await startNodeProcess({ args: ['--workers', '2'], env: { BACKLOT_METRICS_TOKEN: TOKEN } })
    await hitWorkersUnevenly(node)
    const refused = await fetch(`${node.url}/metrics`)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer')
    expect((await fetch(`${node.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    )
    const res = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    expect(healthCount(await res.text())).toBe(8)
  })

  it('under --workers 2 with BACKLOT_METRICS_PORT: the primary serves the sum there, the public port does not', async () => {
    const metricsPort = await freePort()
    node = await startNodeProcess({
      args: ['--workers', '2'],
      env: { BACKLOT_METRICS_PORT: String(metricsPort) },
    })
    await hitWorkersUnevenly(node)
    expect((await fetch(`${node.url}/metrics`)).status).toBe(404)
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(res.status).toBe(200)
    expect(healthCount(await res.text())).toBe(8)
  })

  it('on one server with BACKLOT_METRICS_PORT and a token: only there, only with the token', async () => {
    const metricsPort = await freePort()
    node = await startNodeProcess({
      env: { BACKLOT_METRICS_PORT: String(metricsPort), BACKLOT_METRICS_TOKEN: TOKEN },
    })
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${node.url}/metrics`)).status).toBe(404)
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
    expect((await fetch(metricsUrl)).status).toBe(401)
    const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    expect(healthCount(await res.text())).toBe(1)
  })
})
