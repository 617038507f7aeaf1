import './node20.js'
import { createFederation, type Federation } from '@fedify/fedify'
import { Create, Endpoints, Group, Image } from '@fedify/vocab'
import { Temporal } from '@js-temporal/polyfill'
import { loadAvatarView } from '../channels/index.js'
import type { Config } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import type { Logger } from '../logger.js'
import { feedCursor } from '../posts/index.js'
import { type PublicPost, type ReadDeps, readChannelPosts, readPosts } from '../reads/index.js'
import type { Clock } from '../util/clock.js'
import { federatedChannel } from './channels.js'
import type { FederationInfra } from './infra/options.js'
import { channelKeyPairs } from './keys.js'
import { type NoteAddressing, toNote } from './notes.js'
import { pollFacts } from './polls.js'
import { countFollowers } from './store.js'

export interface FederationDeps {
  db: Db
  clock: Clock
  logger: Logger
  config: Config
  publicUrl: () => URL
  /** The one read pipeline (reads/pipeline.ts): what a Note shows is what every surface shows. */
  readDeps: ReadDeps
  /** Fedify's stores, queues, guarded loaders and the block list (infra/options.ts). */
  infra: FederationInfra
}

/** Paths of the channel actors' ActivityPub endpoints (the actor itself is its page, /c/{slug}). */
export const paths = {
  actor: '/c/{identifier}',
  inbox: '/ap/c/{identifier}/inbox',
  sharedInbox: '/ap/inbox',
  outbox: '/ap/c/{identifier}/outbox',
  followers: '/ap/c/{identifier}/followers',
  nodeInfo: '/nodeinfo/2.1',
} as const

/** Posts per outbox page. */
const OUTBOX_PAGE = 20

/** A response Backlot's own routes should answer instead (a browser asking for /c/{slug}). */
export const FALL_THROUGH = 'x-backlot-fall-through'
const fallThrough = () => new Response(null, { status: 404, headers: { [FALL_THROUGH]: '1' } })

const instant = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms)

/** How a channel's Notes are addressed and linked (notes.ts). */
export function addressing(origin: URL, channel: ChannelRow): NoteAddressing {
  return {
    actor: new URL(`/c/${encodeURIComponent(channel.slug)}`, origin),
    followers: new URL(`/ap/c/${encodeURIComponent(channel.slug)}/followers`, origin),
    isUnlisted: channel.visibility === 'unlisted',
    timeline: new URL(`/c/${encodeURIComponent(channel.slug)}/timeline`, origin),
  }
}

/** The Notes (or Questions) of published posts, with their poll counts, in order. */
export async function notesOf(deps: FederationDeps, channel: ChannelRow, posts: readonly PublicPost[]) {
  const polls = await pollFacts(
    deps.db,
    channel.id,
    posts.filter((p) => p.kind === 'poll').map((p) => p.id),
    deps.clock.now(),
  )
  const to = addressing(deps.publicUrl(), channel)
  return posts.map((post) => ({ post, note: toNote(post, to, polls.get(post.id) ?? null) }))
}

/** The Create that carries a post first; its id is the post's and revision's (delivery.ts). */
export function createActivityId(postUrl: string, revision: number): URL {
  return new URL(`${postUrl}#create-${revision}`)
}

/**
 * Fedify's Federation with Backlot's channels as actors: WebFinger, NodeInfo 2.1, the actor, its
 * keys, outbox and followers. Inbox listeners are added by inbox.ts, delivery by delivery.ts.
 */
export function buildFederation(deps: FederationDeps): Federation<void> {
  const { db } = deps
  const federation = createFederation<void>({
    ...deps.infra.options,
    // Fedify answers only what it knows; everything else is Backlot's own page or 404 (routes.ts).
  })

  federation
    .setActorDispatcher(paths.actor, async (ctx, slug) => {
      const channel = await federatedChannel(db, slug)
      if (!channel) return null
      const keys = await ctx.getActorKeyPairs(slug)
      const avatar = await loadAvatarView(db, channel.id, deps.publicUrl())
      // A Group, not a Service or a Person: a channel is a production's voice, written by several
      // creators, that people follow; Mastodon shows a Group's posts as the group's own, as Backlot
      // does. (Lemmy-style groups also announce members' posts; a channel has no members' posts.)
      return new Group({
        id: ctx.getActorUri(slug),
        preferredUsername: channel.slug,
        name: channel.title,
        summary: channel.description ? `<p>${escapeText(channel.description)}</p>` : null,
        url: new URL(`/c/${encodeURIComponent(slug)}`, ctx.origin),
        inbox: ctx.getInboxUri(slug),
        outbox: ctx.getOutboxUri(slug),
        followers: ctx.getFollowersUri(slug),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
        manuallyApprovesFollowers: channel.join_policy !== 'open',
        // Listed in directories and search only when the channel is public (not unlisted).
        discoverable: channel.visibility === 'public',
        published: instant(channel.created_at),
        icon: avatar
          ? new Image({
              url: new URL(avatar.url),
              mediaType: 'image/jpeg',
              width: avatar.width,
              height: avatar.height,
            })
          : null,
      })
    })
    .setKeyPairsDispatcher(async (_ctx, slug) => {
      const channel = await federatedChannel(db, slug)
      return channel ? channelKeyPairs(db, deps.clock, channel.id) : []
    })

  federation
    .setOutboxDispatcher(paths.outbox, async (ctx, slug, cursor) => {
      const channel = await federatedChannel(db, slug)
      if (!channel || cursor === null) return null
      const page = await readChannelPosts(deps.readDeps, channel, {
        limit: OUTBOX_PAGE,
        before: cursor === '' ? null : feedCursor.decodeOptional(cursor),
      })
      // The page's posts again with `reveal`: a spoiler travels whole, behind Mastodon's content warning.
      const revealed = await readPosts(
        deps.readDeps,
        channel,
        page.posts.map((p) => p.id),
        { reveal: true },
      )
      const notes = await notesOf(deps, channel, revealed)
      const actor = ctx.getActorUri(slug)
      const revisions = await postRevisions(
        db,
        revealed.map((p) => p.id),
      )
      return {
        items: notes.map(
          ({ post, note }) =>
            new Create({
              id: createActivityId(post.url, revisions.get(post.id) ?? 1),
              actor,
              object: note,
              tos: note.toIds,
              ccs: note.ccIds,
              published: instant(post.publishedAt),
            }),
        ),
        nextCursor: page.nextCursor,
      }
    })
    .setFirstCursor(async (_ctx, slug) => ((await federatedChannel(db, slug)) ? '' : null))
    .setCounter(async (_ctx, slug) => {
      const channel = await federatedChannel(db, slug)
      return channel ? countPublished(db, channel.id, deps.clock.now()) : null
    })

  // Followers: the count is public; the list is not (who follows a channel is the followers' own
  // business), so the collection has no items. Delivery reads the followers from the database.
  federation
    .setFollowersDispatcher(paths.followers, async (_ctx, slug) => {
      const channel = await federatedChannel(db, slug)
      return channel ? { items: [] } : null
    })
    .setCounter(async (_ctx, slug) => {
      const channel = await federatedChannel(db, slug)
      return channel ? countFollowers(db, channel.id) : null
    })

  federation.setNodeInfoDispatcher(paths.nodeInfo, async () => {
    const now = deps.clock.now()
    const [channels, posts] = await Promise.all([countFederatedChannels(db), countAllPublished(db, now)])
    return {
      software: { name: 'backlot', version: '0.1.0', homepage: new URL(deps.publicUrl().origin) },
      protocols: ['activitypub'],
      openRegistrations: deps.config.registration === 'open',
      usage: { users: { total: channels }, localPosts: posts, localComments: 0 },
    }
  })

  return federation
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(/\n/g, '<br>')
}

export async function postRevisions(db: Db, postIds: readonly string[]): Promise<Map<string, number>> {
  if (postIds.length === 0) return new Map()
  const rows = await db.selectFrom('post').select(['id', 'revision']).where('id', 'in', postIds).execute()
  return new Map(rows.map((r) => [r.id, r.revision]))
}

/** Published posts of a channel whose embargo has passed. */
async function countPublished(db: Db, channelId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('post')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('channel_id', '=', channelId)
    .where('status', '=', 'published')
    .where((eb) => eb.or([eb('publish_at', 'is', null), eb('publish_at', '<=', now)]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function countFederatedChannels(db: Db): Promise<number> {
  const row = await db
    .selectFrom('channel')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('visibility', '!=', 'private')
    .where('suspended_at', 'is', null)
    .where('hidden_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function countAllPublished(db: Db, now: number): Promise<number> {
  const row = await db
    .selectFrom('post')
    .innerJoin('channel', 'channel.id', 'post.channel_id')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('channel.visibility', '!=', 'private')
    .where('channel.suspended_at', 'is', null)
    .where('channel.hidden_at', 'is', null)
    .where('post.status', '=', 'published')
    .where((eb) => eb.or([eb('post.publish_at', 'is', null), eb('post.publish_at', '<=', now)]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export { fallThrough }
