import net from 'node:net'

/**
 * A loopback TCP proxy a test puts between one node and Redis, to cut that node's bus (and only
 * its) for as long as the test wants: `cut()` refuses new connections — the node's client keeps
 * retrying — and `heal()` lets them through again. Existing connections are ended from the Redis
 * side (CLIENT KILL), which closes their proxied half here too.
 */
export class TcpProxy {
  readonly #server: net.Server
  readonly #pairs = new Set<[net.Socket, net.Socket]>()
  #isCut = false

  private constructor(server: net.Server) {
    this.#server = server
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = net.createServer()
    const proxy = new TcpProxy(server)
    server.on('connection', (client) => proxy.#pipe(client, targetHost, targetPort))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port
  }

  cut(): void {
    this.#isCut = true
  }

  heal(): void {
    this.#isCut = false
  }

  async close(): Promise<void> {
    for (const [a, b] of this.#pairs) {
      a.destroy()
      b.destroy()
    }
    await new Promise((resolve) => this.#server.close(resolve))
  }

  #pipe(client: net.Socket, host: string, port: number): void {
    if (this.#isCut) {
      client.destroy()
      return
    }
    const upstream = net.connect(port, host)
    const pair: [net.Socket, net.Socket] = [client, upstream]
    this.#pairs.add(pair)
    const end = () => {
      client.destroy()
      upstream.destroy()
      this.#pairs.delete(pair)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  }
}
