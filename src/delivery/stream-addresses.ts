import { type AddressRanges, addressKey } from '../http/connections/address.js'

/**
 * Open live streams per client address, WebSocket and SSE together (BACKLOT_MAX_STREAMS_PER_ADDRESS,
 * issue 14). The address is the request's (`req.ip`): behind a reverse proxy with BACKLOT_TRUST_PROXY set
 * it is the forwarded client, where the connection cap can only see the proxy.
 */
export class StreamAddresses {
  readonly #counts = new Map<string, number>()

  constructor(
    /** 0: no cap. */
    private readonly limit: number,
    private readonly exempt: AddressRanges,
  ) {}

  /** Counts a stream from `address`; its release, or null when the address already has `limit`. */
  acquire(address: string): (() => void) | null {
    if (this.limit === 0 || this.exempt.has(address)) return () => {}
    const key = addressKey(address)
    const count = this.#counts.get(key) ?? 0
    if (count >= this.limit) return null
    this.#counts.set(key, count + 1)
    let isReleased = false
    return () => {
      if (isReleased) return
      isReleased = true
      const left = (this.#counts.get(key) ?? 1) - 1
      if (left > 0) this.#counts.set(key, left)
      else this.#counts.delete(key)
    }
  }
}
