import { createHash, randomBytes } from 'node:crypto'

/**
 * "Have we counted this anonymous visitor's view of this post today?" without storing who they are.
 *
 * The visitor is identified only by a key the caller derives from the request (address and user
 * agent). That key is hashed with a random salt that exists only in this process's memory and is
 * replaced every UTC day; the hash sets a few bits of a fixed-size Bloom filter, which is cleared
 * with the salt. Nothing is written to disk, the filter holds no addresses or reversible hashes,
 * and once the day's salt is gone not even this process can tell whether a given address was
 * seen. The price is approximation: a Bloom filter has false positives (≈0.2 % at a million views
 * a day with these sizes, slightly undercounting), and each node keeps its own filter (a visitor
 * whose requests land on two nodes may count twice).
 */
export class AnonymousViewFilter {
  static readonly bits = 1 << 24 // 2 MiB
  static readonly hashes = 4
  #filter = new Uint8Array(AnonymousViewFilter.bits / 8)
  #salt = randomBytes(32)
  #day = -1

  /** Records the view; returns true if it is the first one today for this post and visitor key. */
  firstToday(postId: string, visitorKey: string, now: number): boolean {
    const day = Math.floor(now / 86_400_000)
    if (day !== this.#day) this.#rotate(day)
    const digest = createHash('sha256')
      .update(this.#salt)
      .update(postId)
      .update('\n')
      .update(visitorKey)
      .digest()
    let isNew = false
    for (let i = 0; i < AnonymousViewFilter.hashes; i++) {
      const bit = digest.readUInt32BE(i * 4) & (AnonymousViewFilter.bits - 1)
      const byte = bit >>> 3
      const mask = 1 << (bit & 7)
      if ((this.#filter[byte]! & mask) === 0) {
        isNew = true
        this.#filter[byte]! |= mask
      }
    }
    return isNew
  }

  #rotate(day: number): void {
    this.#day = day
    this.#salt = randomBytes(32)
    this.#filter.fill(0)
  }
}
