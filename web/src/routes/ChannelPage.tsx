import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, api, channelPath, query } from '../app/api.js'
import { t } from '../app/i18n.js'
import { route } from '../app/router.js'
import { me } from '../app/session.js'
import { filterLabel, matchesTag, tagFilterOf } from '../app/tags.js'
import type { Channel, Page, Post, ServerFrame } from '../app/types.js'
import { lastRead, markRead } from '../app/unread.js'
import { mergeChannel, useChannelFeed } from '../app/use-feed.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { PostCard } from '../components/PostCard.js'
import { ChannelHeader } from './ChannelHeader.js'
import './channel.css'

const STAFF = new Set(['owner', 'admin', 'creator', 'moderator'])

/** While a tag filter is on, older pages load by themselves until this many posts match. */
const FILTER_FILL = 10

/**
 * The fan view of one channel: header, pinned post, then the live feed with infinite scroll.
 * `?week=11`, `?chapter=8`, `?location=…` or `?unit=…` (a post's production tag) shows only the
 * posts with that tag. A reader coming back finds a "Jump to first unread" button.
 */
export function ChannelPage({ slug }: { slug: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  // What was read before this visit (the page marks the newest post read as soon as it shows it).
  const [readBefore] = useState(() => lastRead(slug))
  const filter = tagFilterOf(route.value.search)
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
  const posts = filter ? feed.feed.posts.filter((p) => matchesTag(p, filter)) : feed.feed.posts
  const loaded = feed.feed.posts.length
  useEffect(() => {
    if (filter && feed.hasMore && !feed.isLoading && posts.length < FILTER_FILL) feed.loadMore()
  }, [filter?.kind, filter?.value, loaded, feed.hasMore, feed.isLoading])

  if (error) {
    const isMissing = error instanceof ApiError && error.status === 404
    return (
      <main id="main">
        <h1>{isMissing ? t('channel.notFound') : t('channel.loadFailed')}</h1>
        <ErrorBox error={error} />
      </main>
    )
  }
  if (!channel) {
    return (
      <main id="main" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </main>
    )
  }

  const isMember = !!channel.viewer?.isMember
  const isStaff = STAFF.has(channel.viewer?.role ?? '')
  const pinnedNow = pinned ? (feed.feed.posts.find((p) => p.id === pinned.id) ?? pinned) : null
  const isPinnedStill = pinnedNow && pinnedNow.pinned !== false
  const pending = feed.feed.pending.length
  const unread =
    readBefore === undefined ? [] : posts.filter((p) => p.publishedAt && p.publishedAt > readBefore)
  const firstUnread = filter ? undefined : unread[unread.length - 1]
  const chapterLabel = channel.production?.chapterLabel
  const card = (p: Post) => (
    <PostCard
      key={p.id}
      post={p}
      canInteract={isMember}
      isStaff={isStaff}
      onChange={update}
      chapterLabel={chapterLabel}
      visibility={channel.visibility}
    />
  )
  const update = (p: Post) => {
    feed.update(p)
    if (pinned && p.id === pinned.id) setPinned(p)
  }

  return (
    <main id="main" class="stack">
      <ChannelHeader channel={channel} onChange={setChannel} reload={loadChannel} />
      {pending > 0 && (
        <button type="button" class="new-pill" onClick={feed.showPending}>
          ↑ {t('channel.newPosts', { count: pending })}
        </button>
      )}
      {firstUnread && (
        <button type="button" class="jump-unread" onClick={() => jumpTo(firstUnread.id)}>
          ↓{' '}
          {t('channel.jumpUnread', {
            n: unread.length >= loaded && feed.hasMore ? `${loaded}+` : unread.length,
          })}
        </button>
      )}
      {filter && (
        <p class="notice filter-banner" role="status">
          {t('channel.taggedPosts')} <strong>{filterLabel(filter, chapterLabel)}</strong> ·{' '}
          <Link href={`/app/c/${encodeURIComponent(slug)}`}>{t('channel.showAll')}</Link>
        </p>
      )}
      {channel.viewer?.isBanned ? (
        <p class="notice">{t('channel.banned')}</p>
      ) : (
        <>
          {isPinnedStill && pinnedNow && !filter && (
            <section aria-label={t('channel.pinned')}>{card(pinnedNow)}</section>
          )}
          <ErrorBox error={feed.error} />
          <section aria-label={t('channel.posts')} class="stack" aria-busy={feed.isLoading}>
            {posts.length === 0 && !feed.isLoading && (
              <p class="muted">
                {filter
                  ? feed.hasMore
                    ? t('channel.lookingOlder')
                    : t('channel.noTagged')
                  : t('channel.noPosts')}
              </p>
            )}
            {posts
              .filter((p) => filter || !(isPinnedStill && p.id === pinnedNow?.id))
              .flatMap((p) =>
                p === firstUnread
                  ? [
                      <p key="unread" id="first-unread" class="unread-divider" tabIndex={-1}>
                        {t('channel.unreadSince')}
                      </p>,
                      card(p),
                    ]
                  : [card(p)],
              )}
          </section>
          {feed.hasMore && (
            <div ref={sentinel} class="row" style={{ justifyContent: 'center' }}>
              <button type="button" onClick={feed.loadMore}>
                {t('channel.loadOlder')}
              </button>
            </div>
          )}
        </>
      )}
    </main>
  )
}

/** Brings the first unread post into view, below its divider, and moves focus there. */
function jumpTo(postId: string) {
  const divider = document.getElementById('first-unread')
  const post = document.querySelector(`article[data-post-id="${CSS.escape(postId)}"]`)
  divider?.scrollIntoView({ block: 'start' })
  divider?.focus({ preventScroll: true })
  if (!divider) post?.scrollIntoView({ block: 'start' })
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
