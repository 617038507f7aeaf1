import { describe } from 'vitest'
import { testBusContract } from './bus.contract.js'
import type { Bus, Unsubscribe } from './bus.js'
import { MemoryBus } from './memory-bus.js'

/**
 * One process's MemoryBus is one node. To run the two-node contract on it, each "node" is a view
 * that owns its subscriptions on the shared MemoryBus and drops them when closed.
 */
class NodeView implements Bus {
  readonly #unsubscribes = new Set<Unsubscribe>()
  #isClosed = false
  constructor(private readonly shared: MemoryBus) {}
  async publish(topic: string, message: string): Promise<void> {
    if (!this.#isClosed) await this.shared.publish(topic, message)
  }
  async subscribe(topic: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    const unsubscribe = await this.shared.subscribe(topic, onMessage)
    this.#unsubscribes.add(unsubscribe)
    return async () => {
      this.#unsubscribes.delete(unsubscribe)
      await unsubscribe()
    }
  }
  async close(): Promise<void> {
    this.#isClosed = true
    for (const unsubscribe of this.#unsubscribes) await unsubscribe()
    this.#unsubscribes.clear()
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

describe('MemoryBus', () => {
  testBusContract(async () => {
    const shared = new MemoryBus()
    return { a: new NodeView(shared), b: new NodeView(shared), close: () => shared.close() }
  })
})
