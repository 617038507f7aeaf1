import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { api, channelPath, query } from './api.js'
import {
  addPage,
  applyCounts,
  applyEvent,
  emptyFeed,
  type FeedState,
  releasePending,
  replacePost,
} from './feed.js'
import { stream } from './stream.js'
import type { Channel, Page, Post, ServerFrame } from './types.js'

const PAGE = 20
/** Scrolled further than this from the top, new posts wait behind the "N new posts" pill. */
const HOLD_BELOW_PX = 240

export interface ChannelFeed {
  feed: FeedState
  error: unknown
  isLoading: boolean
  hasMore: boolean
  loadMore(): void
  showPending(): void
  update(post: Post): void
}

/**
 * A channel's live post list. Subscribes to the stream first, then loads the first page over
 * REST; every `subscribed` (first or after a reconnect) reloads the first page so nothing that
 * happened between the page and the subscription, and no count missed while away, is lost.
 * Events from the replay and live stream are applied in place (feed.ts).
 */
export function useChannelFeed(
  slug: string,
  onChannelFrame: (frame: ServerFrame) => void,
  enabled = true,
): ChannelFeed {
  const [feed, setFeed] = useState<FeedState>(emptyFeed)
  const [error, setError] = useState<unknown>(null)
  const [isLoading, setLoading] = useState(true)
  const cursor = useRef<string | null | undefined>(undefined)
  const loadingMore = useRef(false)
  const onFrame = useRef(onChannelFrame)
  onFrame.current = onChannelFrame

  const loadFirst = useCallback(
    async (replace: boolean) => {
      try {
        const page = await api.get<Page<Post>>(channelPath(slug, `/posts${query({ limit: PAGE })}`))
        setFeed((f) => addPage(f, page.items, replace))
        if (cursor.current === undefined || replace) cursor.current = page.nextCursor
        setError(null)
      } catch (e) {
        setError(e)
      } finally {
        setLoading(false)
      }
    },
    [slug],
  )

  useEffect(() => {
    if (!enabled) return
    setFeed(emptyFeed)
    cursor.current = undefined
    setLoading(true)
    const off = stream.subscribe(slug, {
      onFrame: (frame) => {
        if (frame.type === 'event') {
          const hold = window.scrollY > HOLD_BELOW_PX
          setFeed((f) => applyEvent(f, frame.event, hold))
        } else if (frame.type === 'counts') {
          setFeed((f) => applyCounts(f, frame.posts))
        } else if (frame.type === 'subscribed' || frame.type === 'reset') {
          void loadFirst(true)
        }
        onFrame.current(frame)
      },
    })
    void loadFirst(false)
    const onScroll = () => {
      if (window.scrollY < 40) setFeed((f) => releasePending(f))
    }
    window.addEventListener('scroll', onScroll, { passive: true })
    return () => {
      off()
      window.removeEventListener('scroll', onScroll)
    }
  }, [slug, enabled, loadFirst])

  const loadMore = useCallback(() => {
    const next = cursor.current
    if (!next || loadingMore.current) return
    loadingMore.current = true
    api
      .get<Page<Post>>(channelPath(slug, `/posts${query({ limit: PAGE, cursor: next })}`))
      .then((page) => {
        cursor.current = page.nextCursor
        setFeed((f) => addPage(f, page.items))
      }, setError)
      .finally(() => {
        loadingMore.current = false
      })
  }, [slug])

  return {
    feed,
    error,
    isLoading,
    hasMore: !!cursor.current,
    loadMore,
    showPending: () => {
      setFeed((f) => releasePending(f))
      window.scrollTo({ top: 0 })
    },
    update: (post: Post) => setFeed((f) => replacePost(f, post.id, () => post)),
  }
}

/** Applies a `channel.updated` event (public view) to the page's channel, keeping `viewer`. */
export function mergeChannel(current: Channel, data: unknown): Channel {
  return { ...current, ...(data as Partial<Channel>), viewer: current.viewer }
}
