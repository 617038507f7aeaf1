import type { PostRow } from '../db/schema.js'
import { findLinks } from './links.js'
import type { PostViewData, RevisionSnapshotData } from './schemas.js'

/** A post row with what every view needs from other tables (the author's public names). */
export interface PostRecord extends PostRow {
  author_handle: string
  author_display_name: string
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/**
 * The public shape of a post, the same for every viewer (so an event's data can be encoded once
 * and sent to everyone). Albums and polls will add their own optional parts (media, poll) from a
 * hydrate step; the fields here are common to every kind.
 */
export function toPostView(post: PostRecord, channelSlug: string): PostViewData {
  return {
    id: post.id,
    channel: channelSlug,
    author: { handle: post.author_handle, displayName: post.author_display_name },
    kind: post.kind,
    text: post.text,
    links: findLinks(post.text),
    status: post.status,
    publishedAt: iso(post.published_at),
    editedAt: iso(post.edited_at),
    pinned: post.pinned_at !== null,
    pinnedAt: iso(post.pinned_at),
    spoiler: post.spoiler === 1,
    spoilerLabel: post.spoiler_label,
    silent: post.silent === 1,
    revision: post.revision,
  }
}

/** The editable fields of a post, as kept in a history row (STYLE: JSON text in the database). */
export function toSnapshot(post: PostRow): RevisionSnapshotData {
  return {
    text: post.text,
    spoiler: post.spoiler === 1,
    spoilerLabel: post.spoiler_label,
    silent: post.silent === 1,
  }
}
