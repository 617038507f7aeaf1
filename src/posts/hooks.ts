import type { ChannelAccess } from '../channels/access.js'
import type { DbOrTx } from '../db/database.js'
import type { PostKind } from '../db/schema.js'
import { fail } from '../errors.js'
import type { CreatePostInput, PostViewData } from './schemas.js'
import type { PostRecord } from './views.js'

/**
 * How other areas extend posts without the posts area knowing their tables (interactions add
 * polls, prompts, reactions and views; album media can plug in the same way). Every hook is
 * optional; the post service runs them in the order given.
 */
export interface PostHooks {
  /**
   * Checks the area's part of a create request (e.g. `poll`) before anything is written. Returns
   * the post kind it makes and a value handed back to `insert`, or null when the request has none
   * of the area's parts. Throws validation problems.
   */
  prepare?(input: CreatePostInput, now: number): { kind: PostKind; parts: unknown } | null
  /** Writes what `prepare` returned, inside the transaction that creates the post. */
  insert?(tx: DbOrTx, postId: string, parts: unknown): Promise<void>
  /**
   * Adds the area's fields to a page of post views as `access` sees them, in a fixed number of
   * queries per page (never one per post). `views[i]` is the view of `posts[i]`.
   */
  hydrate?(
    db: DbOrTx,
    access: ChannelAccess,
    posts: readonly PostRecord[],
    views: PostViewData[],
  ): Promise<void>
}

export interface PreparedParts {
  kind: PostKind
  parts: unknown
  hook: PostHooks
}

/** The one area part a create request carries (a post is one kind), or null for a text post. */
export function preparePost(
  hooks: readonly PostHooks[],
  input: CreatePostInput,
  now: number,
): PreparedParts | null {
  let found: PreparedParts | null = null
  for (const hook of hooks) {
    const prepared = hook.prepare?.(input, now)
    if (!prepared) continue
    if (found) {
      fail('validation', `Invalid body: a post cannot be both ${found.kind} and ${prepared.kind}.`, {
        errors: [{ in: 'body', field: '', message: `cannot be both ${found.kind} and ${prepared.kind}` }],
      })
    }
    found = { ...prepared, hook }
  }
  return found
}

/** Runs every area's hydrate step over a page of views; returns the same views. */
export async function hydrateViews(
  hooks: readonly PostHooks[],
  db: DbOrTx,
  access: ChannelAccess,
  posts: readonly PostRecord[],
  views: PostViewData[],
): Promise<PostViewData[]> {
  for (const hook of hooks) await hook.hydrate?.(db, access, posts, views)
  return views
}

/**
 * What an anonymous reader of the channel sees: event data (`post.published`, `post.edited`) is
 * encoded once for every subscriber, so it carries no viewer's own reaction, ballot or answer.
 */
export function publicAccess(access: ChannelAccess): ChannelAccess {
  return { channel: access.channel, accountId: null, membership: null, role: null, isBanned: false }
}
