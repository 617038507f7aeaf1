import type { ChannelAccess } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { ChannelRow, PostKind } from '../db/schema.js'
import { fail } from '../errors.js'
import { DEFAULT_LANGUAGE, type Language } from '../i18n/index.js'
import type { AlbumImageRow } from './album-public.js'
import type { CreatePostInput, EditPostInput, PostViewData } from './schemas.js'
import type { PostRecord } from './views.js'

/** Who writes a post's parts, and when (for rules such as "only your own uploads"). */
export interface WriteContext {
  /** The account creating or editing the post. */
  actorId: string
  now: number
}

/**
 * Work a hook asks to run once its transaction has committed (e.g. deleting files no row points at
 * any more): never before, since a rollback would leave rows pointing at nothing. It handles its
 * own errors; it must not throw.
 */
export type AfterCommit = () => Promise<void>

export interface PartsEdit {
  /** False when the plan matched what the post already had: nothing was written. */
  changed: boolean
  afterCommit?: AfterCommit
}

/**
 * How other areas extend posts without the posts area knowing their tables (interactions add
 * polls, prompts, reactions and views; album.ts adds an album's images). Every hook is
 * optional; the post service runs them in the order given.
 */
export interface PostHooks {
  /**
   * Checks the area's part of a create request (e.g. `poll`) before anything is written. Returns
   * the post kind it makes and a value handed back to `insert`, or null when the request has none
   * of the area's parts. Throws validation problems.
   */
  prepare?(input: CreatePostInput, now: number): { kind: PostKind; parts: unknown } | null
  /**
   * Writes what `prepare` returned, inside the transaction that creates the post. May refuse
   * (throw a problem), which rolls the whole post back.
   */
  insert?(tx: DbOrTx, postId: string, parts: unknown, context: WriteContext): Promise<void>
  /**
   * Checks and writes the area's fields of ANY new post (e.g. production tags), inside the
   * transaction that creates it, after the kind's parts — every hook runs it, unlike `insert`,
   * which only the area that `prepare`d the post's kind runs. May refuse (throw a problem), which
   * rolls the whole post back.
   */
  insertFields?(tx: DbOrTx, post: NewPost, input: CreatePostInput, context: WriteContext): Promise<void>
  /**
   * Checks the area's part of an edit request (e.g. an album's `media` list) before the transaction.
   * Returns a plan handed to `edit`, or null when the request has none of the area's parts.
   */
  prepareEdit?(input: EditPostInput): unknown
  /**
   * The area's editable state of a post (e.g. the album's media list), kept in the revision
   * snapshot before an edit; null when the post has none.
   */
  snapshot?(db: DbOrTx, post: PostRecord): Promise<Record<string, unknown> | null>
  /** Applies `prepareEdit`'s plan inside the edit transaction, with the post's row locked. */
  edit?(tx: DbOrTx, post: PostRecord, plan: unknown, context: WriteContext): Promise<PartsEdit>
  /**
   * The post is published with this content, inside the transaction that made it so: created
   * published, released (scheduled time, publish now, approval) or edited while published — the
   * moments `post.published` and `post.edited` are appended, after every area wrote its parts. Not
   * run for drafts, scheduled or in-review posts: what is not public yet is not handed out. Deletion
   * is `erase`. (Search indexes the post here: issue 19.)
   */
  published?(tx: DbOrTx, post: PostRecord): Promise<void>
  /** Erases the area's content of a post being deleted, inside the delete transaction. */
  erase?(tx: DbOrTx, post: PostRecord): Promise<AfterCommit | undefined>
  /**
   * Adds the area's fields to a page of post views as `access` sees them, in a fixed number of
   * queries per page (never one per post). `views[i]` is the view of `posts[i]`.
   */
  hydrate?(
    db: DbOrTx,
    access: ChannelAccess,
    posts: readonly PostRecord[],
    views: PostViewData[],
    context?: HydrateContext,
  ): Promise<void>
  /**
   * Adds the area's facts to a page of posts a public surface reads (pages, feeds, oEmbed, embeds,
   * timeline, digests, previews: reads/pipeline.ts), all of `channel`, in a fixed number of
   * queries per page.
   * Raw facts, not views: the read rules judge them (embargo, spoilers) and the surfaces present
   * them. `parts[i]` belongs to `posts[i]`.
   */
  hydratePublic?(
    db: DbOrTx,
    channel: ChannelRow,
    posts: readonly PostRecord[],
    parts: PublicPostParts[],
    /** The language of the surface (labels such as "Week 11"); English when not given. */
    language?: Language,
  ): Promise<void>
}

/**
 * What the areas know about a post beyond its row, for the public surfaces (filled by
 * `hydratePublic`). Posts' own album is declared here; other areas add their fields by module
 * augmentation (interactions/post-parts.ts, production/post-parts.ts), as for the post view.
 */
export interface PublicPostParts {
  /** The album's images, in album order, with their media rows (album-public.ts). */
  images?: AlbumImageRow[]
}

/** The post being created, as `insertFields` sees it. */
export interface NewPost {
  id: string
  channel: ChannelRow
}

export interface HydrateContext {
  /**
   * The posts were created in the transaction `db` belongs to: no other transaction can have
   * written anything that points at them (reactions, votes, views, answers), so an area may skip
   * reading those back — a round trip each on PostgreSQL, on every post created.
   */
  isNew?: boolean
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
        errors: [{ field: '', message: `cannot be both ${found.kind} and ${prepared.kind}` }],
      })
    }
    found = { ...prepared, hook }
  }
  return found
}

/** Runs every area's `insertFields` step for a post being created, in the hooks' order. */
export async function insertAreaFields(
  hooks: readonly PostHooks[],
  tx: DbOrTx,
  post: NewPost,
  input: CreatePostInput,
  context: WriteContext,
): Promise<void> {
  for (const hook of hooks) await hook.insertFields?.(tx, post, input, context)
}

/** Runs every area's hydrate step over a page of views; returns the same views. */
export async function hydrateViews(
  hooks: readonly PostHooks[],
  db: DbOrTx,
  access: ChannelAccess,
  posts: readonly PostRecord[],
  views: PostViewData[],
  context?: HydrateContext,
): Promise<PostViewData[]> {
  for (const hook of hooks) await hook.hydrate?.(db, access, posts, views, context)
  return views
}

/** Every area's public facts about a page of posts (`hydratePublic`); `result[i]` is `posts[i]`'s. */
export async function hydratePublicParts(
  hooks: readonly PostHooks[],
  db: DbOrTx,
  channel: ChannelRow,
  posts: readonly PostRecord[],
  language: Language = DEFAULT_LANGUAGE,
): Promise<PublicPostParts[]> {
  const parts = posts.map((): PublicPostParts => ({}))
  // Each area writes only its own fields, so their queries may run at once.
  await Promise.all(hooks.map((hook) => hook.hydratePublic?.(db, channel, posts, parts, language)))
  return parts
}

/** The area parts of an edit request, each with the hook that planned it. */
export function prepareEdits(
  hooks: readonly PostHooks[],
  input: EditPostInput,
): { hook: PostHooks; plan: unknown }[] {
  return hooks.flatMap((hook) => {
    const plan = hook.prepareEdit?.(input)
    return plan === null || plan === undefined ? [] : [{ hook, plan }]
  })
}

/** Every area's part of a post's revision snapshot, merged. */
export async function snapshotParts(
  hooks: readonly PostHooks[],
  db: DbOrTx,
  post: PostRecord,
): Promise<Record<string, unknown>> {
  const parts: Record<string, unknown> = {}
  for (const hook of hooks) Object.assign(parts, await hook.snapshot?.(db, post))
  return parts
}

/** Runs every area's `published` step for a post published (or edited while published) in `tx`. */
export async function runPublished(hooks: readonly PostHooks[], tx: DbOrTx, post: PostRecord): Promise<void> {
  for (const hook of hooks) await hook.published?.(tx, post)
}

/** Runs every area's erase step for a post being deleted; returns their after-commit work. */
export async function eraseParts(
  hooks: readonly PostHooks[],
  tx: DbOrTx,
  post: PostRecord,
): Promise<AfterCommit[]> {
  const work: AfterCommit[] = []
  for (const hook of hooks) {
    const after = await hook.erase?.(tx, post)
    if (after) work.push(after)
  }
  return work
}

/**
 * What an anonymous reader of the channel sees: event data (`post.published`, `post.edited`) is
 * encoded once for every subscriber, so it carries no viewer's own reaction, ballot or answer.
 */
export function publicAccess(access: ChannelAccess): ChannelAccess {
  return { channel: access.channel, accountId: null, membership: null, role: null, isBanned: false }
}
