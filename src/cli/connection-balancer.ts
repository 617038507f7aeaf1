import type { Server as HttpServer } from 'node:http'
import net from 'node:net'
import { type IpcPort, isTagged, trySend } from '../ipc/ipc-port.js'
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
  /** Handles given to node's channel and not yet written to it (node sends one at a time). */
  inFlight: number
  detach(): void
}

/**
 * Handles queued in node's channel per worker. node passes one handle at a time and waits for the
 * worker's acknowledgement, so a few in the channel keep it busy; the rest wait in `queue`, where
 * the primary decides what to give up when a flood outruns the workers.
 */
const MAX_IN_FLIGHT = 8
const WARN_INTERVAL_MS = 10_000

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
  /** Most connections waiting for a worker (http/connections/capacity.ts); null: no cap. */
  capacity: number | null,
): Promise<Balancer> {
  const workers = new Map<IpcPort, WorkerLoad>()
  /** Accepted, not yet given to a worker, oldest first (also while no worker is ready). */
  const queue: net.Socket[] = []
  let lastDropWarning = 0

  /** Open connections of a worker, counting those handed over but not yet reported. */
  const estimate = (w: WorkerLoad) => w.open + (w.handed - w.accepted)

  /**
   * The primary holds every connection until a worker takes it: a flood that outruns the hand-over
   * (one handle per acknowledgement, per worker) would run it out of descriptors and stall every
   * worker behind it. Past its capacity it closes the connection that has waited longest rather
   * than the new one, as the workers close their longest-idle connection (connection-guard.ts),
   * so a health check or a login arriving during a flood still gets its turn.
   */
  function accept(socket: net.Socket): void {
    queue.push(socket)
    if (capacity !== null && queue.length > capacity) {
      queue.shift()?.destroy()
      if (Date.now() - lastDropWarning >= WARN_INTERVAL_MS) {
        lastDropWarning = Date.now()
        logger.warn(
          { capacity },
          'connection closed: too many waiting for a worker (BACKLOT_MAX_CONNECTIONS)',
        )
      }
    }
    pump()
  }

  /** Hands queued connections over, each to the worker with the fewest open connections. */
  function pump(): void {
    while (queue.length > 0) {
      let target: WorkerLoad | undefined
      for (const w of workers.values()) if (!target || estimate(w) < estimate(target)) target = w
      // Waiting for the least loaded worker (rather than taking another) keeps open connections even.
      if (!target || target.inFlight >= MAX_IN_FLIGHT) return
      handOver(target, queue.shift()!)
    }
  }

  function handOver(target: WorkerLoad, socket: net.Socket): void {
    target.handed++
    target.inFlight++
    const sent = (error: Error | null) => {
      target.inFlight--
      if (error) {
        // The channel closed (the worker is exiting): the handle was not passed, close it here.
        target.handed--
        socket.destroy()
      }
      pump()
    }
    try {
      // The handle is sent, then closed here: the connection now belongs to the worker.
      target.port.send({ backlot: 'conn' } satisfies ConnEnvelope, socket, sent)
    } catch (error) {
      target.handed--
      target.inFlight--
      logger.warn({ err: error }, 'handing a connection to a worker failed')
      socket.destroy()
    }
  }

  // noDelay as node:http sets it on the sockets it accepts itself: the option of the descriptor
  // travels with it to the worker, and Nagle would hold small responses back for a delayed ACK.
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, accept)
  server.on('error', (error) => logger.error({ err: error }, 'listener error'))
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
        inFlight: 0,
        detach: () => workerPort.off('message', onMessage),
      })
      pump()
    },
    remove(workerPort) {
      workers.get(workerPort)?.detach()
      workers.delete(workerPort)
    },
    async close() {
      for (const socket of queue.splice(0)) socket.destroy()
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
