import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MetricsConfig } from '../config/config.js'
import { mayReadMetrics } from './metrics-access.js'

export interface MetricsServer {
  url: string
  close(): Promise<void>
}

/**
 * `/metrics` on a port of its own (BACKLOT_METRICS_PORT), so the public port never serves it and a
 * firewall or a private address keeps it to the monitoring network. A plain node:http server: one
 * fixed route, no body, no cookies — none of the public app's machinery is needed. The token, if
 * set, is required here too.
 */
export async function startMetricsServer(
  config: MetricsConfig & { port: number },
  render: () => Promise<{ contentType: string; text: string }>,
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: only /metrics is served here\n')
      return
    }
    if (!mayReadMetrics(config.token, req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('unauthorized\n')
      return
    }
    render().then(
      ({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(text),
      () => res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.address, () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
