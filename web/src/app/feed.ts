import type { ChannelEvent, CountsEntry, Poll, Post } from './types.js'

/**
 * A channel's post list as the fan sees it, and how REST pages, stream events and `counts` frames
 * change it. Pure functions over an immutable state, so the same event applied twice (a reload
 * overlapping the stream) changes nothing the second time, and the UI re-renders by identity.
 *
 * Event data is the *public* post view (encoded once for every subscriber): it never carries the
 * viewer's own reaction, ballot or answer, so merging keeps those from the copy we already had.
 */

export interface FeedState {
  /** Shown, newest first. */
  posts: Post[]
  /** New posts held back while the reader is scrolled down ("1 new post" pill). */
  pending: Post[]
  /** Ids deleted on the stream: a page fetched before the delete must not bring them back. */
  deleted: ReadonlySet<string>
}

export const emptyFeed: FeedState = { posts: [], pending: [], deleted: new Set() }

export function byNewest(a: Post, b: Post): number {
  const ta = a.publishedAt ?? ''
  const tb = b.publishedAt ?? ''
  if (ta !== tb) return ta < tb ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** The newer of two copies of a post, with the viewer's own state kept from whichever has it. */
export function mergePost(current: Post | undefined, incoming: Post, incomingIsPublic: boolean): Post {
  if (!current) return incoming
  if (incoming.revision < current.revision) return current
  if (!incomingIsPublic) return incoming
  const merged: Post = { ...incoming }
  if (incoming.reactions && current.reactions) {
    merged.reactions = { ...incoming.reactions, mine: current.reactions.mine }
  }
  if (incoming.poll && current.poll) merged.poll = keepMyVote(incoming.poll, current.poll)
  if (incoming.prompt && current.prompt) {
    merged.prompt = { ...incoming.prompt, myAnswer: current.prompt.myAnswer }
  }
  return merged
}

function keepMyVote(incoming: Poll, current: Poll): Poll {
  return {
    ...incoming,
    myVote: current.myVote,
    correctOption: incoming.correctOption ?? current.correctOption,
    explanation: incoming.explanation ?? current.explanation,
  }
}

function upsert(list: Post[], post: Post, isPublic: boolean): Post[] {
  const i = list.findIndex((p) => p.id === post.id)
  if (i < 0) return [...list, post].sort(byNewest)
  const next = [...list]
  next[i] = mergePost(list[i], post, isPublic)
  return next
}

function mapPost(state: FeedState, id: string, fn: (p: Post) => Post): FeedState {
  const apply = (list: Post[]) => {
    const i = list.findIndex((p) => p.id === id)
    if (i < 0) return list
    const next = [...list]
    next[i] = fn(list[i]!)
    return next
  }
  return { ...state, posts: apply(state.posts), pending: apply(state.pending) }
}

/**
 * Adds a page fetched over REST. `replace` (first page after a reset or a reconnect's refresh)
 * keeps what the stream delivered that is newer than the page, and drops posts no longer listed
 * within the page's time span.
 */
export function addPage(state: FeedState, items: Post[], replace = false): FeedState {
  const fresh = items.filter((p) => !state.deleted.has(p.id) && p.status === 'published')
  let posts = replace ? keepOutsidePage(state.posts, fresh) : state.posts
  for (const item of fresh) posts = upsert(posts, item, false)
  const pending = state.pending.filter((p) => !posts.some((q) => q.id === p.id))
  return { ...state, posts, pending }
}

function keepOutsidePage(posts: Post[], page: Post[]): Post[] {
  const newest = page[0]
  const oldest = page[page.length - 1]
  if (!newest || !oldest) return []
  // Outside the page's span (older: a later page; newer: arrived on the stream since) posts stay;
  // inside it only the listed ones do.
  return posts.filter(
    (p) => byNewest(p, oldest) > 0 || byNewest(p, newest) < 0 || page.some((q) => q.id === p.id),
  )
}

/** Applies one channel event; `holdNew` puts a new post in `pending` instead of at the top. */
export function applyEvent(state: FeedState, event: ChannelEvent, holdNew: boolean): FeedState {
  // A replayed event of a post deleted since is a tombstone ({ id, redacted }): nothing to show; the
  // `post.deleted` that follows it removes the post (docs/protocol.md, "Redacted events").
  if ((event.data as { redacted?: boolean } | null)?.redacted === true) return state
  switch (event.type) {
    case 'post.published': {
      const post = event.data as Post
      if (state.deleted.has(post.id)) return state
      const isKnown = [...state.posts, ...state.pending].some((p) => p.id === post.id)
      if (isKnown) return mapPost(state, post.id, (p) => mergePost(p, post, true))
      if (holdNew) return { ...state, pending: upsert(state.pending, post, true) }
      return { ...state, posts: upsert(state.posts, post, true) }
    }
    case 'post.edited': {
      const post = event.data as Post
      return mapPost(state, post.id, (p) => mergePost(p, post, true))
    }
    case 'post.deleted': {
      const { id } = event.data as { id: string }
      const deleted = new Set(state.deleted)
      deleted.add(id)
      return {
        posts: state.posts.filter((p) => p.id !== id),
        pending: state.pending.filter((p) => p.id !== id),
        deleted,
      }
    }
    case 'post.pinned':
    case 'post.unpinned': {
      const d = event.data as { id: string; pinned: boolean; pinnedAt: string | null }
      return mapPost(state, d.id, (p) => ({ ...p, pinned: d.pinned, pinnedAt: d.pinnedAt }))
    }
    case 'poll.closed': {
      const d = event.data as { postId: string; poll: Poll }
      return mapPost(state, d.postId, (p) => ({ ...p, poll: p.poll ? keepMyVote(d.poll, p.poll) : d.poll }))
    }
    default:
      return state
  }
}

/** Applies a `counts` frame: exact public numbers, the viewer's own choices untouched. */
export function applyCounts(state: FeedState, entries: readonly CountsEntry[]): FeedState {
  let next = state
  for (const entry of entries) next = mapPost(next, entry.id, (p) => withCounts(p, entry))
  return next
}

export function withCounts(post: Post, entry: CountsEntry): Post {
  const next: Post = { ...post }
  if (entry.views !== undefined) next.views = entry.views
  if (entry.reactions && post.reactions) {
    next.reactions = { ...post.reactions, counts: entry.reactions.counts, total: entry.reactions.total }
  }
  if (entry.poll && post.poll) {
    const votes = entry.poll.votes
    next.poll = {
      ...post.poll,
      totalVoters: entry.poll.totalVoters,
      options: post.poll.options.map((o, i) => ({ ...o, votes: votes ? (votes[i] ?? 0) : o.votes })),
    }
  }
  return next
}

/** Shows the held-back new posts (the reader tapped the pill or scrolled to the top). */
export function releasePending(state: FeedState): FeedState {
  if (state.pending.length === 0) return state
  let posts = state.posts
  for (const p of state.pending) posts = upsert(posts, p, true)
  return { ...state, posts, pending: [] }
}

/** Replaces one post by the copy an action returned (e.g. a vote answers the new poll view). */
export function replacePost(state: FeedState, id: string, fn: (p: Post) => Post): FeedState {
  return mapPost(state, id, fn)
}
