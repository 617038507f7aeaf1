import type { PushConfig } from '../config/config.js'
import { type Db, isUniqueViolation } from '../db/database.js'
import type { PushSubscriptionRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { EventLog } from '../event-log/event-log.js'
import type { Language } from '../i18n/index.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { Queue } from '../queue/queue.js'
import type { Clock } from '../util/clock.js'
import { newId } from '../util/ids.js'
import { createEncryptPool, defaultEncryptThreads } from './encrypt-pool.js'
import { checkEndpoint, checkSubscriptionKeys, type ResolveHost } from './endpoint.js'
import { type PushJobDeps, processPushJobs, pushListener, recoverRuns } from './jobs.js'
import { type AccountNotice, NOTICE_QUEUE, sendAccountNotice } from './notices.js'
import { prunePushRecords } from './prune.js'
import { createPushSender } from './sender.js'
import {
  deleteOwnSubscription,
  deleteSubscriptions,
  findSubscriptionByEndpoint,
  insertSubscription,
  listSubscriptions,
  surplusSubscriptionIds,
  updateSubscription,
} from './store.js'
import { createHttpTransport, type PushTransport } from './transport.js'
import { createVapidSigner, loadVapidKeys } from './vapid.js'

export interface PushServiceDeps {
  db: Db
  clock: Clock
  config: PushConfig
  queue: Queue
  eventLog: EventLog
  metrics: Metrics
  logger: Logger
  publicUrl: () => URL
  /** Test and benchmark hook: how messages reach push services (default: the guarded HTTP client). */
  transport?: PushTransport
  /** Test hook: DNS resolution of endpoint hosts at registration. */
  resolveHost?: ResolveHost
}

export interface SubscribeInput {
  endpoint: string
  expirationTime?: number | null
  keys: { p256dh: string; auth: string }
  label?: string
  /** The browser's language (negotiated from its Accept-Language by the route). */
  language?: Language
}

/** Devices kept per account; registering one more forgets the least recently registered. */
export const MAX_DEVICES_PER_ACCOUNT = 20

/**
 * Web Push: the VAPID key, each account's devices, and delivery of published posts as background
 * jobs (jobs.ts). `start()` registers the job handlers and the event-log listener; `close()` runs
 * after the queue has drained.
 */
export interface PushService {
  /** The application server key browsers subscribe with (base64url). */
  readonly vapidPublicKey: string
  /**
   * Registers a device (`validation`, refused endpoints store nothing); the same endpoint again
   * updates it, another account's moves here.
   */
  subscribe(
    accountId: string,
    input: SubscribeInput,
  ): Promise<{ subscription: PushSubscriptionRow; created: boolean }>
  /** The account's own devices, newest first. */
  list(accountId: string): Promise<PushSubscriptionRow[]>
  /**
   * Removes one of the account's devices; another account's id is `push-subscription-not-found`, as
   * an unknown one.
   */
  remove(accountId: string, id: string): Promise<void>
  /**
   * Queues a notice for the account's devices (push/notices.ts), each in its language; nothing is
   * sent to an account without devices. Call after the commit that the notice reports.
   */
  notify(notice: AccountNotice): Promise<void>
  /** Takes push jobs on this node, listens for published posts, and re-queues unfinished runs. */
  start(): Promise<void>
  /**
   * Forgets the delivery records of posts whose notifications are over (prune.ts); periodic.
   * Returns how many.
   */
  prune(): Promise<number>
  /** Call after the queue has closed (no job is sending any more). */
  close(): Promise<void>
}

export async function createPushService(deps: PushServiceDeps): Promise<PushService> {
  const { db, clock, config } = deps
  const keys = await loadVapidKeys(db, config)
  const vapid = createVapidSigner(keys, config.subject, clock)
  const http = deps.transport
    ? null
    : createHttpTransport({ allowLoopback: config.allowLoopback, maxSocketsPerHost: config.hostConcurrency })
  const encryption = createEncryptPool({ threads: defaultEncryptThreads(), logger: deps.logger })
  const sender = createPushSender({
    transport: deps.transport ?? http!,
    vapid,
    hostConcurrency: config.hostConcurrency,
    clock,
    encryption,
  })
  const jobs: PushJobDeps = { ...deps, sender }
  let stopListening: (() => void) | null = null

  /**
   * Registers a device for the account. Idempotent per endpoint: the same endpoint again updates its
   * keys and label (`created: false`). An endpoint registered by another account moves to this one
   * under a new id (the browser now belongs to whoever subscribed last). Nothing is stored when
   * the endpoint or keys are refused.
   */
  async function subscribe(
    accountId: string,
    input: SubscribeInput,
  ): Promise<{ subscription: PushSubscriptionRow; created: boolean }> {
    const now = clock.now()
    const checkedKeys = checkSubscriptionKeys(input.keys)
    if (input.expirationTime != null && input.expirationTime <= now) {
      fail('validation', 'Invalid body: expirationTime is in the past.', {
        errors: [{ field: '/expirationTime', message: 'is in the past' }],
      })
    }
    await checkEndpoint(input.endpoint, { allowLoopback: config.allowLoopback, resolve: deps.resolveHost })
    const fields = {
      ...checkedKeys,
      label: input.label?.trim() || null,
      language: input.language ?? null,
      expires_at: input.expirationTime ?? null,
      updated_at: now,
    }
    try {
      return await upsert(accountId, input.endpoint, fields, now)
    } catch (error) {
      // Two registrations of one new endpoint at once: the loser updates the winner's row.
      if (!isUniqueViolation(error)) throw error
      return upsert(accountId, input.endpoint, fields, now)
    }
  }

  async function upsert(
    accountId: string,
    endpoint: string,
    fields: Pick<PushSubscriptionRow, 'p256dh' | 'auth' | 'label' | 'expires_at' | 'updated_at' | 'language'>,
    now: number,
  ) {
    return db.transaction().execute(async (tx) => {
      const existing = await findSubscriptionByEndpoint(tx, endpoint)
      if (existing?.account_id === accountId) {
        await updateSubscription(tx, existing.id, fields)
        return { subscription: { ...existing, ...fields }, created: false }
      }
      if (existing) {
        await deleteSubscriptions(tx, [existing.id])
        deps.metrics.pushSubscriptionsRemoved.inc({ reason: 'replaced' })
      }
      const row: PushSubscriptionRow = {
        id: newId(),
        account_id: accountId,
        endpoint,
        created_at: now,
        ...fields,
      }
      await insertSubscription(tx, row)
      const surplus = await surplusSubscriptionIds(tx, accountId, MAX_DEVICES_PER_ACCOUNT)
      deps.metrics.pushSubscriptionsRemoved.inc({ reason: 'limit' }, await deleteSubscriptions(tx, surplus))
      return { subscription: row, created: true }
    })
  }

  return {
    vapidPublicKey: keys.publicKey,
    subscribe,
    list: (accountId) => listSubscriptions(db, accountId),
    async remove(accountId: string, id: string): Promise<void> {
      if (!(await deleteOwnSubscription(db, accountId, id))) {
        fail('push-subscription-not-found', 'You have no push subscription with that id.')
      }
      deps.metrics.pushSubscriptionsRemoved.inc({ reason: 'user' })
    },
    async notify(notice: AccountNotice): Promise<void> {
      await deps.queue.add(NOTICE_QUEUE, notice)
    },
    async start(): Promise<void> {
      processPushJobs(jobs)
      deps.queue.process<AccountNotice>(NOTICE_QUEUE, (notice) => sendAccountNotice(jobs, notice), {
        concurrency: 4,
      })
      stopListening = deps.eventLog.onCommitted(pushListener(jobs))
      const recovered = await recoverRuns(jobs)
      if (recovered > 0) deps.logger.info({ runs: recovered }, 'push runs re-queued after restart')
    },
    prune: () => prunePushRecords({ db, clock, logger: deps.logger, ttlSeconds: config.ttlSeconds }),
    async close(): Promise<void> {
      stopListening?.()
      http?.close()
      await encryption.close()
    },
  }
}
