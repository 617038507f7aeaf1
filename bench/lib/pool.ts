/**
 * Runs `task(0)` … `task(count - 1)` with at most `limit` in flight; resolves with their results in
 * index order. The benches' load generators share it.
 */
export async function pool<T>(limit: number, count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const i = next++
        out[i] = await task(i)
      }
    }),
  )
  return out
}
