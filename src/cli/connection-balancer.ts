import type { Server as HttpServer } from 'node:http'
import net from 'node:net'
import { type IpcPort, isTagged, trySend } from '../bus/ipc-port.js'
import type { Logger } from '../logger.js'

/**
 * How `serve --workers N` spreads connections: the primary accepts on the public port and hands
 * each connection to the worker with the fewest open connections.
 *
 * node:cluster's own round-robin gives the next connection to whichever worker acknowledged its
 * last one first, which skews long-lived streams towards the less busy worker (measured: 19,999
 * against 18,046 of 38,000 WebSockets, so one worker hit the 20,000 open-file limit). Streams
 * live for hours, so what must be even is open connections, not accept order.
 */
interface ConnEnvelope {
  backlot: 'conn'
}

interface LoadReport {
  backlot: 'load'
  /** Connections the worker received so far, and how many of them are still open. */
  accepted: number
  open: number
}

interface WorkerLoad {
  port: IpcPort
  handed: number
  accepted: number
  open: number
  detach(): void
}

export interface Balancer {
  /** The public address, once listening. */
  url: string
  /** A worker that is ready to take connections. */
  add(port: IpcPort): void
  remove(port: IpcPort): void
  /** Stops accepting (drain); connections already handed over stay with their workers. */
  close(): Promise<void>
}

export async function startBalancer(
  host: string,
  port: number,
  logger: Logger,
  /** Most connections the primary holds at once (connections/capacity.ts); null: no cap. */
  capacity: number | null,
): Promise<Balancer> {
  const workers = new Map<IpcPort, WorkerLoad>()
  const waiting: net.Socket[] = []

  /** Open connections of a worker, counting those handed over but not yet reported. */
  const estimate = (w: WorkerLoad) => w.open + (w.handed - w.accepted)

  function handOver(socket: net.Socket): void {
    let target: WorkerLoad | undefined
    for (const w of workers.values()) if (!target || estimate(w) < estimate(target)) target = w
    if (!target) {
      waiting.push(socket) // no worker ready yet (start-up, or every worker restarting)
      return
    }
    target.handed++
    try {
      // The handle is sent, then closed here: the connection now belongs to the worker.
      target.port.send({ backlot: 'conn' } satisfies ConnEnvelope, socket)
    } catch (error) {
      target.handed--
      logger.warn({ err: error }, 'handing a connection to a worker failed')
      socket.destroy()
    }
  }

  // noDelay as node:http sets it on the sockets it accepts itself: the option of the descriptor
  // travels with it to the worker, and Nagle would hold small responses back for a delayed ACK.
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, handOver)
  server.on('error', (error) => logger.error({ err: error }, 'listener error'))
  // The primary holds a connection only until a worker takes it, but it holds every one of them:
  // without a cap a flood (or workers that are all restarting: `waiting`) would run it out of
  // descriptors and stall every worker behind it. node:net closes connections past the cap as
  // they are accepted; each worker then applies the per-address cap and its own capacity to the
  // connections it is handed (connections/connection-guard.ts).
  if (capacity !== null) server.maxConnections = capacity
  let lastDropWarning = 0
  server.on('drop', () => {
    if (Date.now() - lastDropWarning < 10_000) return
    lastDropWarning = Date.now()
    logger.warn({ maxConnections: capacity }, 'connection refused: the primary holds MAX_CONNECTIONS')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port }, () => resolve())
  })
  const address = server.address() as net.AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${shownHost}:${address.port}`,
    add(workerPort) {
      const onMessage = (raw: unknown) => {
        if (!isTagged<LoadReport>(raw, 'load')) return
        const w = workers.get(workerPort)
        if (!w) return
        w.accepted = raw.accepted
        w.open = raw.open
      }
      workerPort.on('message', onMessage)
      workers.set(workerPort, {
        port: workerPort,
        handed: 0,
        accepted: 0,
        open: 0,
        detach: () => workerPort.off('message', onMessage),
      })
      for (const socket of waiting.splice(0)) handOver(socket)
    },
    remove(workerPort) {
      workers.get(workerPort)?.detach()
      workers.delete(workerPort)
    },
    async close() {
      for (const socket of waiting.splice(0)) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * The worker's half: takes the connections the primary hands over into this process's HTTP server
 * (as if it had accepted them itself) and reports how many are open, at most every 100 ms.
 */
export function acceptHandedConnections(primary: IpcPort, server: HttpServer): () => void {
  let accepted = 0
  let open = 0
  let reportTimer: NodeJS.Timeout | undefined
  const report = () => {
    reportTimer ??= setTimeout(() => {
      reportTimer = undefined
      trySend(primary, { backlot: 'load', accepted, open } satisfies LoadReport)
    }, 100)
  }
  const onMessage = (raw: unknown, handle?: unknown) => {
    if (!isTagged<ConnEnvelope>(raw, 'conn') || !(handle instanceof net.Socket)) return
    accepted++
    open++
    handle.once('close', () => {
      open--
      report()
    })
    server.emit('connection', handle)
    handle.resume()
    report()
  }
  primary.on('message', onMessage as (raw: unknown) => void)
  return () => {
    clearTimeout(reportTimer)
    primary.off('message', onMessage as (raw: unknown) => void)
  }
}
