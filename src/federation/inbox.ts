import type { Federation, InboxContext } from '@fedify/fedify'
import { Accept, Activity, Create, EmojiReact, Follow, isActor, Like, Note, Undo } from '@fedify/vocab'
import { reactionSetOf } from '../channels/index.js'
import type { Db } from '../db/database.js'
import type { Logger } from '../logger.js'
import { readPosts } from '../reads/index.js'
import type { Clock } from '../util/clock.js'
import { approvesFollowersManually, federatedChannel, postOfUri } from './channels.js'
import type { FederationDeps } from './federation.js'
import {
  countReply,
  deleteFollower,
  deleteReaction,
  findVote,
  insertReaction,
  upsertFollower,
  upsertVote,
} from './store.js'

/** The emoji a plain Like counts as when the channel's set has it; else the set's first. */
const LIKE_EMOJI = '❤️'

export interface InboxDeps {
  db: Db
  clock: Clock
  logger: Logger
  readDeps: FederationDeps['readDeps']
  infra: FederationDeps['infra']
}

/** The Accept a channel sends for a Follow: one id per Follow, so a resent Accept is the same activity. */
export function acceptActivity(actor: URL, follow: Follow): Accept {
  return new Accept({
    id: new URL(`${actor.href}#accept/${encodeURIComponent(follow.id!.href)}`),
    actor,
    object: follow,
  })
}

/**
 * What a channel does with what the fediverse sends it (issue 18 part 2, docs/federation.md).
 * Fedify has verified the HTTP signature (or proof) and that the key belongs to the activity's
 * actor before any listener runs (DESIGN rule 6); the listeners check that what an activity names
 * belongs to its sender (an Undo undoes the sender's own activity, a reply's id has the sender's
 * origin) and that the post it names is one the public may see (never an embargoed or deleted one).
 */
export function addInboxListeners(
  federation: Federation<void>,
  deps: InboxDeps,
  paths: { inbox: string; sharedInbox: string },
) {
  const { db, clock, logger } = deps

  /** The published post a Like or a reply names, if it is a federated channel's and public. */
  async function publicPostOf(ctx: InboxContext<void>, uri: URL | null) {
    const named = postOfUri(uri, ctx.origin)
    if (!named) return null
    const channel = await federatedChannel(db, named.slug)
    if (!channel) return null
    const [post] = await readPosts(deps.readDeps, channel, [named.postId])
    return post ? { channel, post } : null
  }

  const isBlocked = (uri: URL | null) =>
    uri ? deps.infra.isBlockedInstance(uri.hostname) : Promise.resolve(true)

  federation
    .setInboxListeners(paths.inbox as `${string}{identifier}${string}`, paths.sharedInbox)
    .on(Follow, async (ctx, follow) => {
      if (!follow.id || !follow.actorId || (await isBlocked(follow.actorId))) return
      const target = ctx.parseUri(follow.objectId)
      if (target?.type !== 'actor') return
      const channel = await federatedChannel(db, target.identifier)
      if (!channel) return
      const follower = await follow.getActor(ctx)
      if (!isActor(follower) || !follower.id || follower.id.href !== follow.actorId.href || !follower.inboxId)
        return
      const row = await upsertFollower(db, {
        channelId: channel.id,
        actorId: follower.id.href,
        status: approvesFollowersManually(channel) ? 'pending' : 'accepted',
        followId: follow.id.href,
        inbox: follower.inboxId.href,
        sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
        handle: `@${follower.preferredUsername ?? 'unknown'}@${follower.id.host}`,
        name: typeof follower.name === 'string' ? follower.name.slice(0, 200) : null,
        at: clock.now(),
      })
      // A request-only channel's owner decides (follow-requests.ts); an accepted follower who
      // follows again (Mastodon re-sends Follow when it lost track) gets the Accept again.
      if (row.status !== 'accepted') return
      const actor = ctx.getActorUri(channel.slug)
      await ctx.sendActivity({ identifier: channel.slug }, follower, acceptActivity(actor, follow))
    })
    .on(Undo, async (ctx, undo) => {
      if (!undo.actorId) return
      const object = await undo.getObject(ctx)
      // Only the sender's own activity can be undone.
      if (!(object instanceof Activity) || object.actorId?.href !== undo.actorId.href) return
      if (object instanceof Follow) {
        const target = ctx.parseUri(object.objectId)
        if (target?.type !== 'actor') return
        const channel = await federatedChannel(db, target.identifier)
        if (channel) await deleteFollower(db, channel.id, undo.actorId.href)
      } else if ((object instanceof Like || object instanceof EmojiReact) && object.id) {
        await deleteReaction(db, undo.actorId.href, object.id.href)
      }
    })
    .on(Like, async (ctx, like) => {
      await react(ctx, like, null)
    })
    .on(EmojiReact, async (ctx, react_) => {
      const content = react_.content?.toString().trim() ?? ''
      await react(ctx, react_, content)
    })
    .on(Create, async (ctx, create) => {
      if (!create.actorId || (await isBlocked(create.actorId))) return
      const object = await create.getObject(ctx)
      if (!(object instanceof Note) || !object.id) return
      // The object must come from the sender's origin and be attributed to the sender (rule 6).
      if (object.id.origin !== create.actorId.origin) return
      if (object.attributionId && object.attributionId.href !== create.actorId.href) return
      const target = await publicPostOf(ctx, object.replyTargetId)
      if (!target) return
      const name = object.name?.toString() ?? null
      if (target.post.kind === 'poll' && name !== null && target.post.question) {
        await vote(target.channel.id, target.post.id, create.actorId.href, name, target.post.question.options)
        return
      }
      // Replies are not kept (the channel is one-way), only counted for the owner.
      await countReply(db, target.channel.id, target.post.id)
    })
    .onError((_ctx, error) => {
      logger.warn({ err: error }, 'federation inbox listener failed')
    })

  /** A Like or EmojiReact as one reaction from the channel's set, once per remote actor per post. */
  async function react(ctx: InboxContext<void>, activity: Like | EmojiReact, emoji: string | null) {
    if (!activity.id || !activity.actorId || (await isBlocked(activity.actorId))) return
    if (activity.id.origin !== activity.actorId.origin) return
    const target = await publicPostOf(ctx, activity.objectId)
    if (!target) return
    const allowed = reactionSetOf(target.channel)
    const chosen = emoji === null ? (allowed.includes(LIKE_EMOJI) ? LIKE_EMOJI : allowed[0]) : emoji
    if (!chosen || !allowed.includes(chosen)) return
    await insertReaction(db, {
      postId: target.post.id,
      actorId: activity.actorId.href,
      channelId: target.channel.id,
      emoji: chosen,
      activityId: activity.id.href,
      at: clock.now(),
    })
  }

  /**
   * A vote as Mastodon sends it: a Note whose `name` is an option, in reply to the Question. Counted
   * once per remote actor: a single-choice poll keeps the first vote; a multiple-choice one adds each
   * option once (Mastodon sends one Note per chosen option). Closed polls take no votes.
   */
  async function vote(channelId: string, postId: string, actorId: string, name: string, options: string[]) {
    const index = options.indexOf(name)
    if (index < 0) return
    const poll = await db.selectFrom('poll').selectAll().where('post_id', '=', postId).executeTakeFirst()
    const now = clock.now()
    if (!poll || poll.closed_at !== null || (poll.closes_at !== null && poll.closes_at <= now)) return
    const existing = await findVote(db, postId, actorId)
    if (existing && poll.multiple !== 1) return
    const choices = (existing?.choices ?? 0) | (1 << index)
    await upsertVote(db, { postId, actorId, channelId, choices, at: now })
  }
}
