import { type IpcPort, isTagged, trySend } from '../ipc/ipc-port.js'
import type { Bus, Unsubscribe } from './bus.js'

interface BusEnvelope {
  backlot: 'bus'
  topic: string
  message: string
}

type Handler = (message: string) => void

/**
 * The Bus between the worker processes of one machine (`backlot serve --workers N` without
 * `BACKLOT_REDIS_URL`): a worker sends each message to the cluster primary, which relays it to every worker,
 * the sender included (`relayBus`). The primary is the single point every message passes, so all
 * workers see the messages of a topic in one order. Delivery is at-most-once: a message sent while a
 * worker is restarting is lost for it, and its hub fills the gap from the database (DESIGN rule 1).
 * Every worker receives every message and keeps those it has handlers for: a machine has a handful
 * of workers, so filtering at the receiver is cheaper than keeping interest lists in the primary.
 */
export class IpcBus implements Bus {
  readonly #handlers = new Map<string, Set<Handler>>()
  readonly #onMessage = (raw: unknown): void => {
    if (!isTagged<BusEnvelope>(raw, 'bus')) return
    const handlers = this.#handlers.get(raw.topic)
    if (!handlers) return
    for (const handler of [...handlers]) handler(raw.message)
  }
  #isClosed = false

  constructor(private readonly port: IpcPort) {
    port.on('message', this.#onMessage)
  }

  async publish(topic: string, message: string): Promise<void> {
    if (this.#isClosed) return
    trySend(this.port, { backlot: 'bus', topic, message } satisfies BusEnvelope)
  }

  async subscribe(topic: string, onMessage: Handler): Promise<Unsubscribe> {
    if (this.#isClosed) return async () => {}
    let handlers = this.#handlers.get(topic)
    if (!handlers) {
      handlers = new Set()
      this.#handlers.set(topic, handlers)
    }
    const handler: Handler = (message) => onMessage(message)
    handlers.add(handler)
    return async () => {
      const current = this.#handlers.get(topic)
      current?.delete(handler)
      if (current?.size === 0) this.#handlers.delete(topic)
    }
  }

  async close(): Promise<void> {
    if (this.#isClosed) return
    this.#isClosed = true
    this.#handlers.clear()
    this.port.off('message', this.#onMessage)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

/**
 * The primary's half of the IpcBus: relays every bus message from any attached worker to all
 * attached workers, in the order received. Returns a function that detaches a worker.
 */
export function relayBus() {
  const ports = new Set<IpcPort>()
  return {
    attach(port: IpcPort): () => void {
      const onMessage = (raw: unknown) => {
        if (!isTagged<BusEnvelope>(raw, 'bus')) return
        for (const target of ports) trySend(target, raw)
      }
      ports.add(port)
      port.on('message', onMessage)
      return () => {
        ports.delete(port)
        port.off('message', onMessage)
      }
    },
  }
}
