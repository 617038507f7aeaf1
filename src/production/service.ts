import {
  assertNotArchived,
  cleanProduction,
  loadPublicChannelView,
  type ProductionInput,
  type ProductionViewData,
  productionOf,
  recordAudit,
  requirePermission,
  requireReadableChannel,
} from '../channels/index.js'
import type { Db, DbOrTx } from '../db/database.js'
import { fail } from '../errors.js'
import type { EventLog } from '../event-log/event-log.js'
import {
  assertMayModify,
  findPost,
  hydrateViews,
  lockVisiblePost,
  type PostHooks,
  type PostViewData,
  publicAccess,
  toPostView,
} from '../posts/index.js'
import type { Clock } from '../util/clock.js'
import type { ProductionTagsInput } from './schemas.js'
import { saveTags, setChannelProduction, tagExtent } from './store.js'
import { cleanTags } from './tags.js'

export interface ProductionServiceDeps {
  db: Db
  clock: Clock
  eventLog: EventLog
  /** Every area's post hooks, to build post views for `post.edited` events. */
  hooks: readonly PostHooks[]
  /** For the channel view's avatar URLs in `channel.updated`. */
  publicUrl: () => URL
  /** Told in the transaction that changes a channel's production (search re-dates spoiler lifts). */
  productionChanged?: ProductionChanged
}

/**
 * What an area above production does when a channel's production facts change, inside that
 * transaction (search: when auto-lifted spoilers open, from the chapters' air dates).
 */
export type ProductionChanged = (
  tx: DbOrTx,
  channelId: string,
  production: ProductionViewData | null,
) => Promise<void>

/**
 * Production facts of channels and production tags of posts (issue 6 item 1). Facts changes append
 * `channel.updated` (the public channel view, which carries `production`); tag changes on a
 * published post append `post.edited` — on an unpublished one nothing, so no event ever names an
 * embargoed post.
 */
export interface ProductionService {
  /** The channel's production facts for anyone who can read it; null when it describes none. */
  get(viewerId: string | null, slug: string): Promise<ProductionViewData | null>
  /**
   * Replaces the facts (channel.update; `channel-archived`; `production-in-use` when tags would
   * lose their chapter or week); appends `channel.updated`, audited.
   */
  set(actorId: string, slug: string, input: ProductionInput | null): Promise<ProductionViewData | null>
  /**
   * Replaces a post's production tags (its author, or post.edit-any; `validation` against the
   * facts); appends `post.edited` if published.
   */
  setTags(
    actorId: string,
    slug: string,
    postId: string,
    input: ProductionTagsInput | null,
  ): Promise<PostViewData>
}

export function createProductionService(deps: ProductionServiceDeps): ProductionService {
  const { db, clock, eventLog } = deps

  async function get(viewerId: string | null, slug: string): Promise<ProductionViewData | null> {
    const access = await requireReadableChannel(db, slug, viewerId)
    return productionOf(access.channel)
  }

  /**
   * Replaces the facts (channel.update: owner, admins). Refuses to drop chapters or filming weeks
   * that posts are tagged with (409 production-in-use): tags must stay valid.
   */
  async function set(
    actorId: string,
    slug: string,
    input: ProductionInput | null,
  ): Promise<ProductionViewData | null> {
    const production = input === null ? null : cleanProduction(input)
    return eventLog.transact(async (tx, append) => {
      const access = await requirePermission(tx, slug, actorId, 'channel.update')
      assertNotArchived(access)
      const next = production === null ? null : productionOf({ production })
      const used = await tagExtent(tx, access.channel.id)
      const chapters = next?.chapters.length ?? 0
      if (used.chapter > chapters) {
        fail('production-in-use', `Posts are tagged with chapter ${used.chapter}; keep at least that many.`)
      }
      const weeks = next?.filmingWeeks ?? Number.POSITIVE_INFINITY
      if (used.week > weeks) {
        fail(
          'production-in-use',
          `Posts are tagged with week ${used.week}; filmingWeeks must be at least that.`,
        )
      }
      const now = clock.now()
      const channel = await setChannelProduction(tx, access.channel.id, production, now)
      await deps.productionChanged?.(tx, channel.id, productionOf(channel))
      await recordAudit(tx, {
        channelId: channel.id,
        actorId,
        action: 'channel.production-updated',
        details: { described: production !== null },
        at: now,
      })
      await append({
        channelId: channel.id,
        channelSlug: channel.slug,
        type: 'channel.updated',
        data: await loadPublicChannelView(tx, channel, deps.publicUrl()),
      })
      return productionOf(channel)
    })
  }

  /**
   * Replaces a post's production tags (null removes them): its author with post.edit-own, or staff
   * with post.edit-any. Validated against the channel's facts.
   */
  async function setTags(
    actorId: string,
    slug: string,
    postId: string,
    input: ProductionTagsInput | null,
  ): Promise<PostViewData> {
    const access = await requireReadableChannel(db, slug, actorId)
    assertNotArchived(access)
    const channel = access.channel
    const tags = input === null ? null : cleanTags(input, productionOf(channel), '')
    return eventLog.transact(async (tx, append) => {
      const post = await lockVisiblePost(tx, access, postId)
      assertMayModify(access, post, 'post.edit-own', 'post.edit-any')
      await saveTags(tx, channel.id, post.id, tags)
      const record = (await findPost(tx, channel.id, post.id))!
      if (record.status === 'published') {
        const [event] = await hydrateViews(
          deps.hooks,
          tx,
          publicAccess(access),
          [record],
          [toPostView(record, channel.slug)],
        )
        await append({
          channelId: channel.id,
          channelSlug: channel.slug,
          type: 'post.edited',
          postId: post.id,
          data: event,
        })
      }
      const [view] = await hydrateViews(deps.hooks, tx, access, [record], [toPostView(record, channel.slug)])
      return view!
    })
  }

  return { get, set, setTags }
}
