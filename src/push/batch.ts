import type { PushFanoutReason } from '../db/schema.js'
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../i18n/index.js'
import { type JobInfo, RetryLaterError } from '../queue/queue.js'
import {
  type Audience,
  claimDevices,
  completeBatch,
  failRetries,
  type PendingDevice,
  pendingDevices,
  setDeliveryStatus,
} from './delivery-store.js'
import type { PushJobDeps } from './jobs.js'
import { buildPayload, encodePayload } from './payload.js'
import { isAnnounceable, loadPushPost, type PushPost } from './post-source.js'
import type { EncryptedBody, PushMessage, SendOutcome } from './sender.js'
import { deleteSubscriptions } from './store.js'

/** One batch of a notification run: the devices with ids in [first, last]. */
export interface BatchJob {
  fanoutId: string
  postId: string
  reason: PushFanoutReason
  first: string
  last: string
}

/** Devices claimed and sent together; a crash loses at most this many notifications. */
const CLAIM_CHUNK = 100

/**
 * Who a run is for: `all` members, plus `highlights` members when the post is pinned; a pin run
 * only the `highlights` members; an edit run the devices already sent an older revision.
 */
export function audienceFor(post: PushPost, reason: PushFanoutReason, now: number): Audience {
  const base = { postId: post.id, channelId: post.channelId, authorId: post.authorId, now }
  if (reason === 'edited') return { ...base, levels: ['all', 'highlights'], updateTo: post.revision }
  const levels: Audience['levels'] =
    reason === 'pinned' ? ['highlights'] : post.isPinned ? ['all', 'highlights'] : ['all']
  return { ...base, levels }
}

/**
 * Sends one batch. Each device is claimed in push_delivery before its message is sent, so no
 * device gets the post twice — not when the job is retried, not when a worker dies mid-batch (its
 * claimed-but-unsent devices are lost instead: at most once). Devices the push service turned
 * away with 429/5xx (or never reached) are marked 'retry' and claimed again by the job's next
 * attempt, which waits for the longest Retry-After. 404/410 delete the subscription; 400/413 and
 * other refusals are logged and dropped. An edit run is best effort: it is not retried, and a
 * device it fails keeps its 'sent' state (the first message did arrive).
 */
export async function runBatch(deps: PushJobDeps, job: BatchJob, info: JobInfo): Promise<void> {
  const { db, clock } = deps
  const post = await loadPushPost(db, job.postId)
  if (isAnnounceable(post)) {
    const devices = await pendingDevices(db, audienceFor(post, job.reason, clock.now()), job.first, job.last)
    const retry = { ids: [] as string[], afterMs: 0 }
    const run = { postId: post.id, revision: post.revision, isUpdate: job.reason === 'edited' }
    // One message per language among the batch's devices (each in its person's language).
    for (const [language, group] of byLanguage(devices)) {
      const message: PushMessage = {
        payload: encodePayload(buildPayload(post, deps.publicUrl(), job.reason, language)),
        ttlSeconds: deps.config.ttlSeconds,
        urgency: 'normal',
        topic: post.id,
      }
      for (let i = 0; i < group.length; i += CLAIM_CHUNK) {
        await sendChunk(deps, run, group.slice(i, i + CLAIM_CHUNK), message, retry)
      }
    }
    if (retry.ids.length > 0) {
      if (info.attempt < info.attempts) {
        // Plain errors take the job's exponential backoff; a Retry-After sets the wait instead.
        if (retry.afterMs > 0)
          throw new RetryLaterError(retry.afterMs, `${retry.ids.length} devices to retry`)
        throw new Error(`${retry.ids.length} devices to retry`)
      }
      const given = await failRetries(db, post.id, retry.ids, clock.now())
      deps.metrics.pushFailed.inc({ reason: 'retries-exhausted' }, given)
    }
  }
  await finishBatch(deps, job.fanoutId)
}

function byLanguage(devices: PendingDevice[]): Map<Language, PendingDevice[]> {
  const groups = new Map<Language, PendingDevice[]>()
  for (const device of devices) {
    const language = isLanguage(device.language) ? device.language : DEFAULT_LANGUAGE
    const group = groups.get(language)
    if (group) group.push(device)
    else groups.set(language, [device])
  }
  return groups
}

interface RunState {
  postId: string
  revision: number
  isUpdate: boolean
}

async function sendChunk(
  deps: PushJobDeps,
  run: RunState,
  chunk: PendingDevice[],
  message: PushMessage,
  retry: { ids: string[]; afterMs: number },
): Promise<void> {
  const { db, clock, metrics } = deps
  const postId = run.postId
  // Encrypted before the claim: if the server is shutting down (the pool refuses), nothing has
  // been claimed and the job's next attempt sends to them all.
  const bodies = await deps.sender.encrypt(chunk, message)
  const won = await claimDevices(db, postId, chunk, run.revision, clock.now())
  const claimed: PendingDevice[] = []
  const claimedBodies: EncryptedBody[] = []
  chunk.forEach((device, i) => {
    if (!won.has(device.id)) return
    claimed.push(device)
    claimedBodies.push(bodies[i]!)
  })
  metrics.pushQueued.inc(claimed.length)
  const settled = await Promise.allSettled(
    claimed.map((device, i) => deps.sender.send(device, message, claimedBodies[i]!)),
  )
  const byStatus = {
    sent: [] as string[],
    retry: [] as string[],
    failed: [] as string[],
    gone: [] as string[],
  }
  let unexpected: unknown = null
  settled.forEach((result, i) => {
    const device = claimed[i]!
    if (result.status === 'rejected') {
      // Not a push outcome (a bug, or the process going down): the claim stays, never resent.
      unexpected ??= result.reason
      return
    }
    const outcome = result.value
    recordOutcome(deps, postId, device.id, outcome, byStatus)
    if (outcome.kind === 'retry') retry.afterMs = Math.max(retry.afterMs, outcome.retryAfterMs ?? 0)
  })
  const now = clock.now()
  if (run.isUpdate) {
    // The first message was delivered whatever became of the update.
    byStatus.sent.push(...byStatus.retry.splice(0), ...byStatus.failed.splice(0))
  }
  await setDeliveryStatus(db, postId, byStatus.sent, 'sent', now)
  await setDeliveryStatus(db, postId, byStatus.retry, 'retry', now)
  await setDeliveryStatus(db, postId, byStatus.failed, 'failed', now)
  const removed = await deleteSubscriptions(db, byStatus.gone)
  metrics.pushSubscriptionsRemoved.inc({ reason: 'gone' }, removed)
  retry.ids.push(...byStatus.retry)
  if (unexpected) throw unexpected
}

function recordOutcome(
  deps: PushJobDeps,
  postId: string,
  subscriptionId: string,
  outcome: SendOutcome,
  byStatus: Record<'sent' | 'retry' | 'failed' | 'gone', string[]>,
): void {
  if (outcome.kind === 'sent') {
    byStatus.sent.push(subscriptionId)
    deps.metrics.pushSent.inc()
    return
  }
  const reason = outcome.kind === 'gone' ? 'gone' : outcome.reason
  deps.metrics.pushFailed.inc({ reason })
  if (outcome.kind === 'gone') byStatus.gone.push(subscriptionId)
  else if (outcome.kind === 'retry') byStatus.retry.push(subscriptionId)
  else {
    byStatus.failed.push(subscriptionId)
    deps.logger.warn(
      { postId, subscriptionId, reason, status: outcome.status, detail: outcome.detail },
      'push message refused; not retried',
    )
  }
}

/** Counts the batch as done; the call that finishes the run records publish-to-last-notification. */
export async function finishBatch(deps: PushJobDeps, fanoutId: string): Promise<void> {
  const finished = await completeBatch(deps.db, fanoutId, deps.clock.now())
  if (finished) observeFinished(deps, finished)
}

export function observeFinished(
  deps: Pick<PushJobDeps, 'metrics'>,
  run: { reason: PushFanoutReason; published_at: number; done_at: number | null },
): void {
  if (run.reason !== 'published' || run.done_at === null) return
  deps.metrics.pushPublishToLast.observe(Math.max(0, run.done_at - run.published_at) / 1000)
}
