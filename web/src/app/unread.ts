/**
 * "Unread" per channel on this device: the publish time of the newest post the reader has seen.
 * Kept in localStorage (read state is not synced between devices yet).
 */
const KEY = 'backlot.lastRead'

function readAll(): Record<string, string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}')
    return v && typeof v === 'object' ? (v as Record<string, string>) : {}
  } catch {
    return {}
  }
}

export function lastRead(slug: string): string | undefined {
  return readAll()[slug]
}

export function markRead(slug: string, publishedAt: string | null | undefined): void {
  if (!publishedAt) return
  const all = readAll()
  if (all[slug] && all[slug]! >= publishedAt) return
  all[slug] = publishedAt
  try {
    localStorage.setItem(KEY, JSON.stringify(all))
  } catch {
    // storage blocked: unread counts just stay approximate
  }
}

/** Posts newer than what was last read, among `publishedAt` values newest first. */
export function countUnread(slug: string, times: readonly (string | null)[]): number {
  const seen = lastRead(slug)
  return times.filter((t) => t !== null && (seen === undefined || t > seen)).length
}
