import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, api, channelPath, query } from '../app/api.js'
import { plural } from '../app/format.js'
import { me } from '../app/session.js'
import type { Channel, Page, Post, ServerFrame } from '../app/types.js'
import { markRead } from '../app/unread.js'
import { mergeChannel, useChannelFeed } from '../app/use-feed.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { PostCard } from '../components/PostCard.js'
import { ChannelHeader } from './ChannelHeader.js'

const STAFF = new Set(['owner', 'admin', 'creator', 'moderator'])

/** The fan view of one channel: header, pinned post, then the live feed with infinite scroll. */
export function ChannelPage({ slug }: { slug: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [pinned, setPinned] = useState<Post | null>(null)
  const account = me.value

  const loadChannel = useCallback(() => {
    api.get<Channel>(channelPath(slug)).then(
      (c) => {
        setChannel(c)
        setError(null)
        document.title = `${c.title} · Backlot`
      },
      (e) => setError(e),
    )
  }, [slug])

  useEffect(() => {
    if (account !== undefined) loadChannel()
  }, [loadChannel, account])

  const canRead = channel !== null && !channel.viewer?.isBanned
  const onFrame = useCallback(
    (frame: ServerFrame) => {
      if (frame.type === 'event' && frame.event.type === 'channel.updated') {
        setChannel((c) => (c ? mergeChannel(c, frame.event.data) : c))
      } else if (frame.type === 'unsubscribed' && frame.reason !== 'requested') {
        loadChannel() // banned, removed or left elsewhere: show the channel as it now is for us
      }
    },
    [loadChannel],
  )
  const feed = useChannelFeed(slug, onFrame, canRead)

  useEffect(() => {
    if (!canRead) return
    api
      .get<Page<Post>>(channelPath(slug, `/posts${query({ pinned: true, limit: 1 })}`))
      .then((p) => setPinned(p.items[0] ?? null))
      .catch(() => setPinned(null))
  }, [slug, canRead])

  const newest = feed.feed.posts[0]
  useEffect(() => {
    if (newest) markRead(slug, newest.publishedAt)
  }, [slug, newest?.publishedAt])

  const sentinel = useInfiniteScroll(feed.loadMore, feed.hasMore)

  if (error) {
    const isMissing = error instanceof ApiError && error.status === 404
    return (
      <main id="main">
        <h1>{isMissing ? 'Channel not found' : 'This channel could not be loaded'}</h1>
        <ErrorBox error={error} />
      </main>
    )
  }
  if (!channel) {
    return (
      <main id="main" aria-busy="true">
        <p class="muted">Loading…</p>
      </main>
    )
  }

  const isMember = !!channel.viewer?.isMember
  const isStaff = STAFF.has(channel.viewer?.role ?? '')
  const pinnedNow = pinned ? (feed.feed.posts.find((p) => p.id === pinned.id) ?? pinned) : null
  const isPinnedStill = pinnedNow && pinnedNow.pinned !== false
  const pending = feed.feed.pending.length
  const update = (p: Post) => {
    feed.update(p)
    if (pinned && p.id === pinned.id) setPinned(p)
  }

  return (
    <main id="main" class="stack">
      <ChannelHeader channel={channel} onChange={setChannel} reload={loadChannel} />
      {pending > 0 && (
        <button type="button" class="new-pill" onClick={feed.showPending}>
          ↑ {plural(pending, 'new post')}
        </button>
      )}
      {channel.viewer?.isBanned ? (
        <p class="notice">You are banned from this channel, so its posts are hidden.</p>
      ) : (
        <>
          {isPinnedStill && pinnedNow && (
            <section aria-label="Pinned post">
              <PostCard post={pinnedNow} canInteract={isMember} isStaff={isStaff} onChange={update} />
            </section>
          )}
          <ErrorBox error={feed.error} />
          <section aria-label="Posts" class="stack" aria-busy={feed.isLoading}>
            {feed.feed.posts.length === 0 && !feed.isLoading && <p class="muted">No posts yet.</p>}
            {feed.feed.posts
              .filter((p) => !(isPinnedStill && p.id === pinnedNow?.id))
              .map((p) => (
                <PostCard key={p.id} post={p} canInteract={isMember} isStaff={isStaff} onChange={update} />
              ))}
          </section>
          {feed.hasMore && (
            <div ref={sentinel} class="row" style={{ justifyContent: 'center' }}>
              <button type="button" onClick={feed.loadMore}>
                Load older posts
              </button>
            </div>
          )}
        </>
      )}
    </main>
  )
}

function useInfiniteScroll(loadMore: () => void, hasMore: boolean) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el || !hasMore || typeof IntersectionObserver === 'undefined') return
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) loadMore()
      },
      { rootMargin: '400px' },
    )
    io.observe(el)
    return () => io.disconnect()
  }, [loadMore, hasMore])
  return ref
}
