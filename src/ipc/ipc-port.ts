/**
 * Kernel: the worker ↔ primary channel of `serve --workers`, shared by the bus (ipc-bus.ts), the
 * rate limiter (kv/ipc-rate-limiter.ts) and the connection balancer (cli/). It has its own folder so
 * that neither seam has to import the other to use it.
 */
import cluster from 'node:cluster'

/**
 * The IPC channel between a `serve --workers` worker and the cluster primary: `process` in a worker,
 * a `cluster.Worker` in the primary. Messages are plain objects tagged with `backlot`, so they never
 * mix with node:cluster's own internal messages.
 */
export interface IpcPort {
  /**
   * `handle`: a socket to pass to the other process (the connection balancer's hand-over);
   * `sent` is called once the message has been written to the channel.
   */
  send(message: unknown, handle?: unknown, sent?: (error: Error | null) => void): unknown
  on(event: 'message', listener: (message: unknown) => void): unknown
  off(event: 'message', listener: (message: unknown) => void): unknown
}

export function isTagged<T extends { backlot: string }>(message: unknown, tag: T['backlot']): message is T {
  return typeof message === 'object' && message !== null && (message as { backlot?: unknown }).backlot === tag
}

/** Sends, dropping the message when the channel is already closed (the other side is exiting). */
export function trySend(port: IpcPort, message: unknown): boolean {
  try {
    port.send(message)
    return true
  } catch {
    return false
  }
}

/** In a `serve --workers N` worker, the channel to the cluster primary; null in any other process. */
export function primaryPort(): IpcPort | null {
  return cluster.isWorker && typeof process.send === 'function' ? (process as unknown as IpcPort) : null
}
