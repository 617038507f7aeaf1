import type { Federation } from '@fedify/fedify'
import { Follow, Reject } from '@fedify/vocab'
import { requirePermission } from '../channels/index.js'
import { fail } from '../errors.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Queue } from '../queue/queue.js'
import { readPosts } from '../reads/index.js'
import { federatedChannel, isFederated } from './channels.js'
import { startDelivery } from './delivery.js'
import {
  buildFederation,
  FALL_THROUGH,
  type FederationDeps,
  fallThrough,
  notesOf,
  paths,
} from './federation.js'
import { acceptActivity, addInboxListeners } from './inbox.js'
import {
  acceptFollower,
  channelTotals,
  countFollowers,
  deleteFollower,
  findFollower,
  listFollowers,
} from './store.js'

export interface FederationServiceDeps extends FederationDeps {
  queue: Queue
  eventLog: EventLog
}

/** What an owner sees of a channel on the fediverse. */
export interface FederationOverview {
  /** `@slug@host`; null when the channel does not federate (private, suspended, hidden). */
  handle: string | null
  followers: number
  pendingFollowers: number
  /** Remote replies counted (not stored), remote reactions and remote voters. */
  replies: number
  reactions: number
  votes: number
}

export interface FollowRequestView {
  actor: string
  handle: string
  name: string | null
  requestedAt: number
}

/** A post as an ActivityPub client asks for it: its Note, a Tombstone (410) once deleted, or nothing. */
export type ObjectAnswer = { status: 200 | 410; json: unknown } | null

/** ActivityPub for channels (docs/federation.md): Fedify's Federation plus Backlot's own views of it. */
export interface FederationService {
  /** Answers a federation request, or null: not Fedify's (Backlot's own page or 404 answers). */
  fetch(request: Request): Promise<Response | null>
  /** A post's Note (or Question) for `Accept: application/activity+json` on its page URL. */
  object(slug: string, postId: string): Promise<ObjectAnswer>
  /**
   * Starts delivery on this node and Fedify's queue workers (inbox, outbox, fan-out: the infra sets
   * `manuallyStartQueue`), and registers the infra's periodic sweep; resolves with the stop.
   */
  start(): Promise<() => void>
  /** The channel's fediverse handle and counts (requests.manage: admin+). */
  overview(slug: string, actorId: string): Promise<FederationOverview>
  /** Remote follow requests of a request-only channel, oldest first (requests.manage). */
  followRequests(slug: string, actorId: string): Promise<FollowRequestView[]>
  /** Approves (sends Accept) or rejects (sends Reject) a remote follow request (`join-request-not-found`). */
  decideFollow(
    slug: string,
    actorId: string,
    remoteActor: string,
    decision: 'approved' | 'rejected',
  ): Promise<void>
}

export function createFederationService(deps: FederationServiceDeps): FederationService {
  const { db } = deps
  const federation: Federation<void> = buildFederation(deps)
  addInboxListeners(federation, deps, paths)

  async function fetch(request: Request): Promise<Response | null> {
    const response = await federation.fetch(request, {
      contextData: undefined,
      onNotFound: fallThrough,
      onNotAcceptable: fallThrough,
    })
    return response.headers.has(FALL_THROUGH) ? null : response
  }

  async function object(slug: string, postId: string): Promise<ObjectAnswer> {
    const channel = await federatedChannel(db, slug)
    if (!channel) return null
    const [post] = await readPosts(deps.readDeps, channel, [postId], { reveal: true })
    if (post) {
      const { note } = (await notesOf(deps, channel, [post]))[0]!
      const ctx = federation.createContext(deps.publicUrl(), undefined)
      return {
        status: 200,
        json: await note.toJsonLd({ format: 'compact', contextLoader: ctx.contextLoader }),
      }
    }
    // Mastodon takes 410 Gone with a Tombstone as "deleted" (and removes its copy).
    const row = await db
      .selectFrom('post')
      .select(['status', 'published_at', 'deleted_at'])
      .where('id', '=', postId)
      .where('channel_id', '=', channel.id)
      .executeTakeFirst()
    if (row?.status !== 'deleted' || row.published_at === null) return null
    const id = new URL(`/c/${encodeURIComponent(slug)}/p/${encodeURIComponent(postId)}`, deps.publicUrl())
    return {
      status: 410,
      json: {
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: id.href,
        type: 'Tombstone',
        ...(row.deleted_at && { deleted: new Date(row.deleted_at).toISOString() }),
      },
    }
  }

  async function overview(slug: string, actorId: string): Promise<FederationOverview> {
    const access = await requirePermission(db, slug, actorId, 'requests.manage')
    const channel = access.channel
    const [followers, pendingFollowers, totals] = await Promise.all([
      countFollowers(db, channel.id, 'accepted'),
      countFollowers(db, channel.id, 'pending'),
      channelTotals(db, channel.id),
    ])
    const handle = isFederated(channel) ? `@${channel.slug}@${deps.publicUrl().host}` : null
    return { handle, followers, pendingFollowers, ...totals }
  }

  async function followRequests(slug: string, actorId: string): Promise<FollowRequestView[]> {
    const access = await requirePermission(db, slug, actorId, 'requests.manage')
    const rows = await listFollowers(db, access.channel.id, 'pending', null, 100)
    return rows.map((r) => ({ actor: r.actor_id, handle: r.handle, name: r.name, requestedAt: r.created_at }))
  }

  async function decideFollow(
    slug: string,
    actorId: string,
    remoteActor: string,
    decision: 'approved' | 'rejected',
  ): Promise<void> {
    const access = await requirePermission(db, slug, actorId, 'requests.manage')
    const channel = access.channel
    const row = await findFollower(db, channel.id, remoteActor)
    if (row?.status !== 'pending')
      fail('join-request-not-found', `${remoteActor} has no pending follow request.`)
    if (decision === 'approved') await acceptFollower(db, channel.id, remoteActor, deps.clock.now())
    else await deleteFollower(db, channel.id, remoteActor)
    if (!isFederated(channel)) return
    const ctx = federation.createContext(deps.publicUrl(), undefined)
    const actor = ctx.getActorUri(channel.slug)
    const follow = new Follow({ id: new URL(row.follow_id), actor: new URL(row.actor_id), object: actor })
    const recipient = {
      id: new URL(row.actor_id),
      inboxId: new URL(row.inbox),
      endpoints: row.shared_inbox ? { sharedInbox: new URL(row.shared_inbox) } : null,
    }
    const answer =
      decision === 'approved'
        ? acceptActivity(actor, follow)
        : new Reject({
            id: new URL(`${actor.href}#reject/${encodeURIComponent(row.follow_id)}`),
            actor,
            object: follow,
          })
    await ctx.sendActivity({ identifier: channel.slug }, recipient, answer)
  }

  return {
    fetch,
    object,
    async start() {
      const stopDelivery = startDelivery(deps, federation)
      await deps.infra.startJobs()
      const workers = new AbortController()
      federation.startQueue(undefined, { signal: workers.signal }).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'federation queue workers stopped')
      })
      return () => {
        workers.abort()
        stopDelivery()
      }
    },
    overview,
    followRequests,
    decideFollow,
  }
}
