import { type ChannelAccess, roleAllows } from '../channels/index.js'
import type { PostStatus } from '../db/schema.js'

/**
 * The one place that decides which posts a viewer may read (STYLE rule 17). Every read path —
 * get, list, and later pages, feeds, embeds and oEmbed — asks here, so an embargoed (scheduled)
 * or draft post cannot leak through one path while another hides it.
 *
 * - Deleted posts: nobody (a tombstone is 404 everywhere).
 * - Published: anyone who can read the channel (the caller has checked that).
 * - Draft, in review (issue 16) and scheduled: staff holding post.read-unpublished, and only on
 *   request. Public surfaces read published posts only, so a post in review is as absent from
 *   pages, feeds, oEmbed, embeds, streams and push as a draft.
 */
export function readableStatuses(access: ChannelAccess): readonly PostStatus[] {
  return roleAllows(access.role, 'post.read-unpublished')
    ? ['published', 'scheduled', 'in_review', 'draft']
    : ['published']
}

/** Can this viewer see this one post (get by id)? */
export function canSeePost(access: ChannelAccess, post: { status: PostStatus }): boolean {
  return readableStatuses(access).includes(post.status)
}

/**
 * Statuses a feed listing shows: published by default; `requested` (staff asking for their
 * drafts or scheduled posts) is narrowed to what the viewer may read.
 */
export function feedStatuses(access: ChannelAccess, requested?: readonly PostStatus[]): PostStatus[] {
  const allowed = readableStatuses(access)
  return (requested ?? ['published']).filter((s) => allowed.includes(s))
}
