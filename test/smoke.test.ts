import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from './_util/db.js'
import { startTestServer, type TestServer } from './_util/server.js'

describe.each(testDatabases)('server basics on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(kind)
  })
  afterAll(async () => {
    await server.destroy()
  })

  it('answers health, readiness and metrics', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' })
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toContain('backlot_open_streams')
  })

  it('answers an unknown route with a problem document', async () => {
    const res = await fetch(`${server.url}/api/v1/nope`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(await res.json()).toMatchObject({ code: 'route-not-found', status: 404 })
  })

  it('serves an OpenAPI 3.1 document', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { openapi: string }
    expect(doc.openapi).toBe('3.1.0')
  })
})
