import type { Bus, Unsubscribe } from './bus.js'

/** In-process bus for a single node. Delivers synchronously in publish order. */
export class MemoryBus implements Bus {
  readonly #topics = new Map<string, Set<(message: string) => void>>()
  #closed = false

  async publish(topic: string, message: string): Promise<void> {
    if (this.#closed) return
    const handlers = this.#topics.get(topic)
    if (!handlers) return
    for (const handler of [...handlers]) handler(message)
  }

  async subscribe(topic: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    let handlers = this.#topics.get(topic)
    if (!handlers) {
      handlers = new Set()
      this.#topics.set(topic, handlers)
    }
    handlers.add(onMessage)
    return async () => {
      handlers.delete(onMessage)
      if (handlers.size === 0 && this.#topics.get(topic) === handlers) this.#topics.delete(topic)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#topics.clear()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
