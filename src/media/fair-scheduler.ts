/**
 * Runs at most `limit` tasks at once, sharing the slots fairly between keys (uploading accounts,
 * issue 14 item 3). Waiting tasks sit in one FIFO queue per key, and a freed slot goes to the next
 * key that has waited longest since its last turn (round robin), not to the oldest task overall:
 * an account with ten uploads queued delays another account's single upload by at most one of its
 * own per slot, never by all ten.
 */
export interface FairScheduler {
  /** Runs `task` once a slot is free and it is `key`'s turn; settles as the task does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>
  /** Tasks running plus tasks waiting. */
  readonly pending: number
}

interface KeyState {
  queue: (() => void)[]
  running: number
  /** When this key last got a slot (a counter, not a clock); 0 for a key not served lately. */
  lastStart: number
}

export function createFairScheduler(limit: number): FairScheduler {
  let running = 0
  let waiting = 0
  let starts = 0
  // Only keys with a task running or waiting are kept, so this stays as small as the uploads in
  // progress (bounded by the upload slots).
  const keys = new Map<string, KeyState>()

  function begin(state: KeyState): void {
    state.running += 1
    running += 1
    starts += 1
    state.lastStart = starts
  }

  /** Gives the freed slot to the waiting key that was served least recently. */
  function startNext(): void {
    let next: KeyState | undefined
    for (const state of keys.values()) {
      if (state.queue.length > 0 && (!next || state.lastStart < next.lastStart)) next = state
    }
    if (!next) return
    waiting -= 1
    begin(next)
    next.queue.shift()!()
  }

  async function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let state = keys.get(key)
    if (!state) {
      state = { queue: [], running: 0, lastStart: 0 }
      keys.set(key, state)
    }
    if (running < limit && waiting === 0) begin(state)
    else {
      const queue = state.queue
      await new Promise<void>((resolve) => {
        queue.push(resolve)
        waiting += 1
      })
    }
    try {
      return await task()
    } finally {
      state.running -= 1
      running -= 1
      if (state.running === 0 && state.queue.length === 0) keys.delete(key)
      startNext()
    }
  }

  return {
    run,
    get pending() {
      return running + waiting
    },
  }
}
