import { fail } from '../errors.js'

/**
 * Counts the uploads a node holds — being received, waiting for processing or processing — per
 * account and in total (issue 14 item 4). The total bounds memory (each holds up to
 * MEDIA_MAX_BYTES); the per-account cap keeps one account, e.g. one trickling a dozen uploads a
 * byte at a time, from taking every slot and locking everyone else out with 429s.
 */
export interface UploadSlots {
  /**
   * Takes a slot for the account, or throws `too-many-uploads` (this account holds its share) or
   * `rate-limited` (the node holds its total). The returned release is safe to call more than once.
   */
  acquire(accountId: string): () => void
  /** Slots taken, all accounts together. */
  readonly held: number
}

export interface UploadSlotLimits {
  perAccount: number
  total: number
}

export function createUploadSlots(limits: UploadSlotLimits): UploadSlots {
  const byAccount = new Map<string, number>()
  let held = 0

  function acquire(accountId: string): () => void {
    const mine = byAccount.get(accountId) ?? 0
    if (mine >= limits.perAccount) {
      fail(
        'too-many-uploads',
        `You already have ${mine} uploads in progress on this server (at most ${limits.perAccount}); send the next when one has finished.`,
        { retryAfterSeconds: 2, limit: limits.perAccount },
      )
    }
    if (held >= limits.total) {
      fail('rate-limited', 'The server is busy processing other uploads; try again shortly.', {
        retryAfterSeconds: 5,
      })
    }
    byAccount.set(accountId, mine + 1)
    held += 1
    let isReleased = false
    return () => {
      if (isReleased) return
      isReleased = true
      held -= 1
      const left = (byAccount.get(accountId) ?? 1) - 1
      if (left > 0) byAccount.set(accountId, left)
      else byAccount.delete(accountId)
    }
  }

  return {
    acquire,
    get held() {
      return held
    },
  }
}
