/**
 * Bounds how many tasks run at once; the rest wait in FIFO order. A generic primitive (push sending
 * bounds its requests per host with it), hence util/ rather than the area that first needed it.
 */
export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>
  /** Tasks running plus tasks waiting. */
  readonly pending: number
}

export function createSemaphore(limit: number): Semaphore {
  let running = 0
  const waiting: (() => void)[] = []
  const release = () => {
    running -= 1
    const next = waiting.shift()
    if (next) {
      running += 1
      next()
    }
  }
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < limit) running += 1
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await task()
      } finally {
        release()
      }
    },
    get pending() {
      return running + waiting.length
    },
  }
}
