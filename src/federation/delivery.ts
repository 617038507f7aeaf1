import type { Federation } from '@fedify/fedify'
import { Create, Delete, type Recipient, Tombstone, Update } from '@fedify/vocab'
import { Temporal } from '@js-temporal/polyfill'
import type { EventLog, LoggedEvent } from '../event-log/event-log.js'
import type { Queue } from '../queue/queue.js'
import { readPosts } from '../reads/index.js'
import { federatedChannelById } from './channels.js'
import { createActivityId, type FederationDeps, notesOf } from './federation.js'
import { listFollowers } from './store.js'

export const DELIVERY_QUEUE = 'federation-delivery'

interface DeliveryJob {
  type: 'post.published' | 'post.edited' | 'post.deleted' | 'poll.closed'
  channelId: string
  postId: string
}

const FOLLOWERS_PAGE = 1000

/**
 * Delivery of a channel's posts to its remote followers (issue 18 part 2). The event log's committed
 * listener (after commit: DESIGN rule 3) enqueues one job per event on Backlot's Queue seam, keyed by
 * the event id; the job reads the post through the read pipeline and hands one activity to Fedify,
 * which fans it out to the followers' shared inboxes with its own retries. An embargoed post is
 * `post.published` only when the scheduler releases it, so it leaves then and never before.
 * Activity ids come from the post id and revision: redelivering a job sends the same activity, which
 * receivers apply once (rule 5).
 */
export function startDelivery(
  deps: FederationDeps & { queue: Queue; eventLog: EventLog },
  federation: Federation<void>,
): () => void {
  const { db, logger } = deps
  deps.queue.process<DeliveryJob>(DELIVERY_QUEUE, (job) => deliver(job), { concurrency: 2 })
  return deps.eventLog.onCommitted(async (events: readonly LoggedEvent[]) => {
    for (const event of events) {
      // Quiet edits are a link card arriving: not federated (Mastodon fetches its own card).
      if (!event.postId || event.isQuiet || !isDelivered(event.type)) continue
      await deps.queue.add<DeliveryJob>(
        DELIVERY_QUEUE,
        { type: event.type, channelId: event.channelId, postId: event.postId },
        { jobId: `federation:${event.id}`, attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
      )
    }
  })

  async function followerRecipients(channelId: string): Promise<Recipient[]> {
    const out: Recipient[] = []
    let after: { createdAt: number; actorId: string } | null = null
    for (;;) {
      const rows = await listFollowers(db, channelId, 'accepted', after, FOLLOWERS_PAGE)
      for (const r of rows) {
        out.push({
          id: new URL(r.actor_id),
          inboxId: new URL(r.inbox),
          endpoints: r.shared_inbox ? { sharedInbox: new URL(r.shared_inbox) } : null,
        })
      }
      if (rows.length < FOLLOWERS_PAGE) return out
      const last = rows.at(-1)!
      after = { createdAt: last.created_at, actorId: last.actor_id }
    }
  }

  async function deliver(job: DeliveryJob): Promise<void> {
    const channel = await federatedChannelById(db, job.channelId)
    if (!channel) return // private, suspended, hidden or gone: nothing leaves
    const recipients = await followerRecipients(channel.id)
    if (recipients.length === 0) return
    const ctx = federation.createContext(deps.publicUrl(), undefined)
    const actor = ctx.getActorUri(channel.slug)
    const row = await db
      .selectFrom('post')
      .select(['revision', 'published_at', 'deleted_at'])
      .where('id', '=', job.postId)
      .where('channel_id', '=', channel.id)
      .executeTakeFirst()
    if (!row) return
    let activity: Create | Update | Delete
    if (job.type === 'post.deleted') {
      if (row.published_at === null) return // never public, never sent
      const url = new URL(
        `/c/${encodeURIComponent(channel.slug)}/p/${encodeURIComponent(job.postId)}`,
        ctx.origin,
      )
      activity = new Delete({
        id: new URL(`${url.href}#delete`),
        actor,
        object: new Tombstone({
          id: url,
          deleted: row.deleted_at ? Temporal.Instant.fromEpochMilliseconds(row.deleted_at) : null,
        }),
        tos: [new URL('https://www.w3.org/ns/activitystreams#Public')],
        ccs: [ctx.getFollowersUri(channel.slug)],
      })
    } else {
      // The read pipeline decides what is public: an embargoed, draft or deleted post reads as nothing.
      const posts = await readPosts(deps.readDeps, channel, [job.postId], { reveal: true })
      if (posts.length === 0) return
      const { post, note } = (await notesOf(deps, channel, posts))[0]!
      const values = { actor, object: note, tos: note.toIds, ccs: note.ccIds }
      activity =
        job.type === 'post.published'
          ? new Create({ ...values, id: createActivityId(post.url, row.revision) })
          : new Update({ ...values, id: new URL(`${post.url}#update-${row.revision}-${job.type}`) })
    }
    logger.debug({ postId: job.postId, type: job.type, recipients: recipients.length }, 'federating')
    await ctx.sendActivity({ identifier: channel.slug }, recipients, activity, { preferSharedInbox: true })
  }
}

function isDelivered(type: string): type is DeliveryJob['type'] {
  return (
    type === 'post.published' || type === 'post.edited' || type === 'post.deleted' || type === 'poll.closed'
  )
}
