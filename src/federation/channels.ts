import type { DbOrTx } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'

/**
 * The channel behind a federation URL, or null: only public and unlisted channels federate, and a
 * suspended or hidden channel answers 404 on every federation URL like everywhere else. A private
 * channel is never an actor (DESIGN: "private ones not at all").
 */
export async function federatedChannel(db: DbOrTx, slug: string): Promise<ChannelRow | null> {
  const channel = await db.selectFrom('channel').selectAll().where('slug', '=', slug).executeTakeFirst()
  return channel && isFederated(channel) ? channel : null
}

export async function federatedChannelById(db: DbOrTx, channelId: string): Promise<ChannelRow | null> {
  const channel = await db.selectFrom('channel').selectAll().where('id', '=', channelId).executeTakeFirst()
  return channel && isFederated(channel) ? channel : null
}

export function isFederated(channel: ChannelRow): boolean {
  return channel.visibility !== 'private' && channel.suspended_at === null && channel.hidden_at === null
}

/**
 * Open channels accept a Follow at once; request-only and invite-link channels queue it for the
 * owner (an invite link cannot travel over ActivityPub, so a request is the closest equivalent).
 */
export function approvesFollowersManually(channel: ChannelRow): boolean {
  return channel.join_policy !== 'open'
}

/** `/c/{slug}/p/{id}` of this server, as a Like, a reply or a vote names a post. */
export function postOfUri(uri: URL | null, origin: string): { slug: string; postId: string } | null {
  if (!uri || uri.origin !== origin) return null
  const match = /^\/c\/([^/]+)\/p\/([^/]+)$/.exec(uri.pathname)
  return match ? { slug: decodeURIComponent(match[1]!), postId: decodeURIComponent(match[2]!) } : null
}
