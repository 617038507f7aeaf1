import { createHash } from 'node:crypto'
import { assertNotArchived, type ChannelAccess, requirePermission } from '../channels/index.js'
import { isUniqueViolation } from '../db/database.js'
import type { PostKind } from '../db/schema.js'
import { DomainError, fail } from '../errors.js'
import { newId } from '../util/ids.js'
import { assertMayRelease } from './guards.js'
import { hydrateViews, insertAreaFields, preparePost, publicAccess, runPublished } from './hooks.js'
import { planRelease } from './schedule.js'
import type { CreatePostInput, PostViewData } from './schemas.js'
import type { PostServiceDeps } from './service.js'
import { findPostByIdempotencyKey, insertPostReturning } from './store.js'
import { cleanPostText, cleanSpoilerLabel } from './text.js'
import { type PostRecord, toPostView } from './views.js'

/** The fields a new post is made of, after trimming and defaults. */
export interface NewPostFields {
  kind: PostKind
  text: string
  spoiler: boolean
  spoilerLabel: string | null
  silent: boolean
}

export interface CreateResult {
  post: PostViewData
  /** False when an Idempotency-Key retry returned the post an earlier request made. */
  created: boolean
}

/**
 * A label alone marks the post as a spoiler; `spoiler: false` drops any label, so a label never
 * hangs on a post that is not hidden.
 */
export function cleanCreateInput(input: CreatePostInput, kind: PostKind = 'text'): NewPostFields {
  const label = cleanSpoilerLabel(input.spoilerLabel)
  const spoiler = input.spoiler ?? label !== null
  return {
    kind,
    // A poll or prompt may go without a caption; a text post needs its text.
    text: input.text === undefined && kind !== 'text' ? '' : cleanPostText(input.text ?? ''),
    spoiler,
    spoilerLabel: spoiler ? label : null,
    silent: input.silent ?? false,
  }
}

function isRetryLoss(error: unknown): boolean {
  return isUniqueViolation(error) || (error instanceof DomainError && error.reason === 'media-already-used')
}

/**
 * Only a hash of the request is kept beside the key: enough to tell a retry from a different
 * request, without keeping a second copy of text that a later delete must erase. It covers the
 * whole validated body — text, spoiler fields, silent, status, publishAt, production tags, poll,
 * prompt, album (ids, order, alt, credit, spoiler) and any field added later — as canonical JSON
 * (keys sorted), so a field can never be left out by forgetting to list it here. A retry sends the
 * same body; anything else with the same key is a different request (idempotency-key-reused).
 */
function fingerprint(input: CreatePostInput): string {
  return `sha256:${createHash('sha256')
    .update(`v2:${canonicalJson(input)}`)
    .digest('hex')}`
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

async function replay(
  deps: PostServiceDeps,
  access: ChannelAccess,
  existing: PostRecord,
  print: string,
): Promise<CreateResult> {
  if (existing.idempotency_fingerprint !== print) {
    fail('idempotency-key-reused', 'This Idempotency-Key was already used for a post with different content.')
  }
  const view = toPostView(existing, access.channel.slug)
  const [post] = await hydrateViews(deps.hooks ?? [], deps.db, access, [existing], [view])
  return { post: post!, created: false }
}

/**
 * Publishes a post now — text, album, poll or prompt (the area parts come from the hooks) —
 * appending `post.published` (data: the post view) in the same transaction, so the post, its
 * parts (an album's images…) and its event are all or nothing. Idempotent per (channel, author,
 * key): a retry gets the first request's post (its current state) and appends nothing; concurrent
 * retries race on the unique index `post_idempotency` and the losers replay the winner's post. The
 * key's fingerprint covers the whole request body (see fingerprint()).
 */
export async function createPost(
  deps: PostServiceDeps,
  actorId: string,
  slug: string,
  input: CreatePostInput,
  idempotencyKey?: string,
): Promise<CreateResult> {
  const { db, clock, eventLog } = deps
  const access = await requirePermission(db, slug, actorId, 'post.create')
  assertNotArchived(access)
  const channel = access.channel
  const print = idempotencyKey === undefined ? null : fingerprint(input)
  const findByKey = (key: string) => findPostByIdempotencyKey(db, channel.id, actorId, key)
  // The key is looked up before the checks that depend on the clock: an identical retry of a post
  // scheduled for 09:00 (or a poll closing then) still gets its post when it arrives after 09:00.
  if (idempotencyKey !== undefined) {
    const existing = await findByKey(idempotencyKey)
    if (existing) return replay(deps, access, existing, print!)
  }
  const hooks = deps.hooks ?? []
  const prepared = preparePost(hooks, input, clock.now())
  const fields = cleanCreateInput(input, prepared?.kind)
  // Draft, scheduled (embargoed until publishAt) or published now: see schedule.ts.
  const release = planRelease(input, clock.now())
  if (release.status !== 'draft') assertMayRelease(access)
  try {
    const result = await eventLog.transact(async (tx, append) => {
      const now = clock.now()
      const id = newId()
      // The row as read back (hooks below add rows of their own tables, never change this one).
      const record = await insertPostReturning(tx, {
        id,
        channel_id: channel.id,
        author_id: actorId,
        kind: fields.kind,
        text: fields.text,
        status: release.status,
        publish_at: release.publishAt,
        published_at: release.status === 'published' ? now : null,
        edited_at: null,
        deleted_at: null,
        pinned_at: null,
        spoiler: fields.spoiler ? 1 : 0,
        spoiler_label: fields.spoilerLabel,
        silent: fields.silent ? 1 : 0,
        idempotency_key: idempotencyKey ?? null,
        idempotency_fingerprint: print,
        created_at: now,
        updated_at: now,
      })
      const context = { actorId, now }
      if (prepared) await prepared.hook.insert?.(tx, id, prepared.parts, context)
      await insertAreaFields(hooks, tx, { id, channel }, input, context)
      // Event data is the same for every subscriber: the public view, with zero counts.
      const [post] = await hydrateViews(
        hooks,
        tx,
        publicAccess(access),
        [record],
        [toPostView(record, channel.slug)],
        { isNew: true },
      )
      // An unpublished post has no event: nothing reaches streams, feeds or push before its time.
      if (release.status === 'published') {
        await runPublished(hooks, tx, record)
        await append({
          channelId: channel.id,
          channelSlug: channel.slug,
          type: 'post.published',
          postId: id,
          data: post,
        })
      }
      return { post: post!, created: true }
    })
    if (release.status === 'scheduled') await deps.scheduler?.scheduled(result.post.id, release.publishAt!)
    return result
  } catch (error) {
    // A concurrent retry with the same key may have won: the loser fails on the key's unique index,
    // or on the album images the winner has just claimed (media-already-used). Either way the
    // winner's post is the answer, if the requests match.
    if (idempotencyKey === undefined || !isRetryLoss(error)) throw error
    const winner = await findByKey(idempotencyKey)
    if (!winner) throw error
    return replay(deps, access, winner, print!)
  }
}
