import { useCallback, useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import type { Page } from '../app/types.js'

/** A keyset-paginated staff list (members, invites, requests, bans…) with "load more" and reload. */
export function useList<T>(path: string) {
  const [items, setItems] = useState<T[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const sep = path.includes('?') ? '&' : '?'
  const load = useCallback(
    (cursor?: string) =>
      api
        .get<Page<T>>(`${path}${sep}limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .then((page) => {
          setItems((old) => (cursor ? [...(old ?? []), ...page.items] : page.items))
          setNext(page.nextCursor)
          setError(null)
        }, setError),
    [path, sep],
  )
  useEffect(() => {
    void load()
  }, [load])
  return { items, error, hasMore: next !== null, more: () => next && load(next), reload: () => load() }
}
