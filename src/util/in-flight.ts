/**
 * Reads that many callers start at once for the same key share one: the first caller's promise is
 * handed to the others until it settles, then forgotten (nothing is cached past that). For reads
 * whose answer cannot differ between callers that arrive together — a reconnect storm's thousands
 * of subscribers of one channel resuming from the same position (delivery/subscribe.ts) ask the
 * database the same three questions within milliseconds.
 */
export class InFlight<T> {
  readonly #pending = new Map<string, Promise<T>>()

  run(key: string, read: () => Promise<T>): Promise<T> {
    const pending = this.#pending.get(key)
    if (pending) return pending
    const started = read().finally(() => this.#pending.delete(key))
    this.#pending.set(key, started)
    return started
  }

  /** Reads in flight now. */
  get size(): number {
    return this.#pending.size
  }
}
