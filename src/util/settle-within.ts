export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** The promise's outcome if it settles within `ms`, else undefined (the promise keeps running). */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T> | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
