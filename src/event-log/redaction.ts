import type { DbOrTx } from '../db/database.js'

/**
 * Only a post's current version can be replayed (issue 14, "deleted means gone"). The event log is
 * what streams replay to anyone who asks for old positions (WebSocket `since`, SSE
 * `Last-Event-ID`), so a post's earlier events must not keep what its author has since changed or
 * removed. The log enforces this itself, for every writer, when an event that supersedes a post's
 * content is appended (in the same transaction):
 *
 * - `post.edited`: the post's earlier `post.published` and `post.edited` events are rewritten to
 *   carry the new version. A client replaying from before the edit sees the post as it is now,
 *   then the edit event with the same data; the earlier text survives only in the staff-readable
 *   edit history (post_revision), which deletion erases.
 * - `post.deleted`: every earlier event of the post is reduced to a tombstone, `{ id, redacted }`
 *   (`{ postId, redacted }` for `poll.closed`, whose data names the post that way). Sequence
 *   numbers, event ids, types and times stay, so sequences have no gaps and resume stays exact;
 *   a client skips a redacted event and applies the `post.deleted` that follows it.
 *
 * Events are found by `post_id` (index `channel_event_post`); a post has a handful of events.
 */
export const REDACTED = 'redacted'

/** Event types whose data is the post's whole public view. */
const CONTENT_TYPES = ['post.published', 'post.edited'] as const

/** Event types whose data names the post as `postId` rather than `id`. */
const POST_ID_KEYED_TYPES = ['poll.closed'] as const

export interface SupersedingEvent {
  channelId: string
  type: string
  postId: string | null
  /** The new event's data, JSON. */
  data: string
}

/** Rewrites the post's earlier events as `event` requires; nothing for events that supersede nothing. */
export async function supersedeEarlierEvents(tx: DbOrTx, event: SupersedingEvent): Promise<void> {
  if (event.postId === null) return
  if (event.type === 'post.edited') await replaceContent(tx, event.channelId, event.postId, event.data)
  else if (event.type === 'post.deleted') await tombstone(tx, event.channelId, event.postId)
}

async function replaceContent(tx: DbOrTx, channelId: string, postId: string, data: string): Promise<void> {
  await tx
    .updateTable('channel_event')
    .set({ data })
    .where('channel_id', '=', channelId)
    .where('post_id', '=', postId)
    .where('type', 'in', CONTENT_TYPES)
    .execute()
}

async function tombstone(tx: DbOrTx, channelId: string, postId: string): Promise<void> {
  const ofPost = tx
    .updateTable('channel_event')
    .where('channel_id', '=', channelId)
    .where('post_id', '=', postId)
  await ofPost
    .set({ data: JSON.stringify({ postId, [REDACTED]: true }) })
    .where('type', 'in', POST_ID_KEYED_TYPES)
    .execute()
  await ofPost
    .set({ data: JSON.stringify({ id: postId, [REDACTED]: true }) })
    .where('type', 'not in', POST_ID_KEYED_TYPES)
    .execute()
}
