import { createExponentialBackoffPolicy, type FederationOptions } from '@fedify/fedify'
import type { Db } from '../../db/database.js'
import type { RateLimiter } from '../../kv/rate-limiter.js'
import type { Logger } from '../../logger.js'
import type { OutboundClient } from '../../outbound/index.js'
import type { Queue } from '../../queue/queue.js'
import type { Clock } from '../../util/clock.js'
import { createInstanceBlockService, type InstanceBlockService, type RemoveFollowersOf } from './blocks.js'
import {
  createDeliveryHealth,
  type DeliveryHealth,
  type DeliveryHealthPolicy,
  defaultDeliveryHealthPolicy,
} from './delivery-health.js'
import { createFetchScope, GONE_STATUSES } from './fetch-scope.js'
import { type FetchScope, withGuardedFetch } from './guarded-fetch.js'
import { defaultInboxLimits, guardInboxRequest, type InboxLimits } from './inbox-guard.js'
import { DatabaseKvStore } from './kv-store.js'
import { createLoaderFactories } from './loaders.js'
import { SeamMessageQueue } from './message-queue.js'

/** What the federation infrastructure needs from Backlot's context. */
export interface FederationInfraDeps {
  db: Db
  /** The Queue seam: in-process alone, BullMQ in a cluster. */
  queue: Queue
  /** The one guarded outbound client (src/outbound). */
  outbound: OutboundClient
  /** The rate-limit seam (src/kv): per-instance inbox limits hold across nodes. */
  rateLimiter: RateLimiter
  clock: Clock
  logger: Logger
  /** Sent on every federation request, e.g. `Backlot/0.1.0 (+https://example.org/)`. */
  userAgent: string
  /** The follower store's removal of a domain's followers, run when it is blocked (blocks.ts). */
  removeFollowers?: RemoveFollowersOf
  /** Defaults suit production; tests shorten them. */
  policy?: Partial<FederationInfraPolicy>
}

export interface FederationInfraPolicy {
  inbox: InboxLimits
  health: DeliveryHealthPolicy
  /** How many deliveries (outbox jobs) run at once on a node. */
  deliveryConcurrency: number
  /** How many inbox jobs run at once on a node. */
  inboxConcurrency: number
  /** Attempts per delivery before Fedify gives it up (exponential backoff between, at most 12 h). */
  deliveryAttempts: number
  /** How old an HTTP signature may be (either way), in seconds. */
  signatureWindowSeconds: number
}

export const defaultFederationInfraPolicy: FederationInfraPolicy = {
  inbox: defaultInboxLimits,
  health: defaultDeliveryHealthPolicy,
  deliveryConcurrency: 8,
  inboxConcurrency: 4,
  deliveryAttempts: 10,
  // Fedify's default and what Mastodon tolerates as clock skew. Replays inside the window are
  // caught by Fedify's inbox idempotence (activity ids remembered for a day in the KvStore).
  signatureWindowSeconds: 3600,
}

/** The options this module owns, as `createFederation` takes them. */
export type FederationInfraOptions = Pick<
  FederationOptions<unknown>,
  | 'kv'
  | 'queue'
  | 'manuallyStartQueue'
  | 'documentLoaderFactory'
  | 'contextLoaderFactory'
  | 'authenticatedDocumentLoaderFactory'
  | 'allowPrivateAddress'
  | 'skipSignatureVerification'
  | 'signatureTimeWindow'
  | 'outboxRetryPolicy'
  | 'inboxRetryPolicy'
  | 'permanentFailureStatusCodes'
  | 'onOutboxError'
  | 'circuitBreaker'
>

export interface FederationInfra {
  options: FederationInfraOptions
  kv: DatabaseKvStore
  blocks: InstanceBlockService
  health: DeliveryHealth
  /** See `isBlockedInstance` below. */
  isBlockedInstance(host: string): Promise<boolean>
  /**
   * Runs in front of Fedify's inbox (inbox-guard.ts): size, block list, per-instance rate limit.
   * Throws DomainError; returns the request with its body buffered.
   */
  guardInbox(request: Request): Promise<Request>
  /**
   * Runs `work` with every Fedify request it causes going through the guarded client. Queue jobs
   * and loaders already run in it; wrap any other call that may make Fedify fetch (a
   * `sendActivity(…, { immediate: true })`, `ctx.lookupObject` from a request handler).
   */
  withGuardedFetch<T>(work: () => Promise<T>): Promise<T>
  /** Registers the periodic sweep of expired KvStore entries on the Queue seam; call once at start. */
  startJobs(): Promise<void>
}

/**
 * Builds Backlot's federation infrastructure (issue 18 parts 2 and 3) from its context.
 *
 * `options.manuallyStartQueue` is true: the server calls `federation.startQueue(contextData)` at
 * start, so every node takes federation jobs (and a restarted node resumes the deliveries waiting
 * in BullMQ), while one-off processes (CLI commands) building a context never do.
 *
 * `userAgent` is not among the options: Fedify refuses it together with custom loaders, and the
 * guarded-fetch scope sets Backlot's on every request instead.
 */
export function createFederationInfra(deps: FederationInfraDeps): FederationInfra {
  const policy = { ...defaultFederationInfraPolicy, ...deps.policy }
  const logger = deps.logger.child({ area: 'federation' })
  const kv = new DatabaseKvStore(deps.db, deps.clock)
  const blocks = createInstanceBlockService({
    db: deps.db,
    clock: deps.clock,
    removeFollowers: deps.removeFollowers,
  })
  const health = createDeliveryHealth(deps.db, deps.clock, policy.health)
  const scope: FetchScope = createFetchScope({
    outbound: deps.outbound,
    userAgent: deps.userAgent,
    isBlockedInstance: blocks.isBlocked,
    health,
    logger,
  })
  const guarded = <T>(work: () => Promise<T>) => withGuardedFetch(scope, work)
  const queue = (role: string, concurrency: number) =>
    new SeamMessageQueue(deps.queue, `federation.${role}`, { concurrency, wrap: guarded })
  const options: FederationInfraOptions = {
    kv,
    queue: {
      inbox: queue('inbox', policy.inboxConcurrency),
      outbox: queue('outbox', policy.deliveryConcurrency),
      // The fan-out job splits one activity into a delivery per inbox (STYLE rule 10).
      fanout: queue('fanout', 1),
    },
    manuallyStartQueue: true,
    ...createLoaderFactories({ kv, scope, userAgent: deps.userAgent }),
    allowPrivateAddress: false,
    skipSignatureVerification: false,
    signatureTimeWindow: { seconds: policy.signatureWindowSeconds },
    outboxRetryPolicy: createExponentialBackoffPolicy({
      maxAttempts: policy.deliveryAttempts,
      initialDelay: { seconds: 30 },
      maxDelay: { hours: 12 },
    }),
    inboxRetryPolicy: createExponentialBackoffPolicy({ maxAttempts: 5, maxDelay: { hours: 1 } }),
    permanentFailureStatusCodes: GONE_STATUSES,
    // Dead instances are tracked in the database (delivery-health.ts), shared by every node and
    // visible to the operator; Fedify's own circuit breaker would hold the same messages twice.
    circuitBreaker: false,
    onOutboxError: (error, activity) => {
      logger.debug(
        { err: error, activity: activity?.id?.href },
        'federation delivery failed; Fedify retries it',
      )
    },
  }
  return {
    options,
    kv,
    blocks,
    health,
    isBlockedInstance: blocks.isBlocked,
    guardInbox: (request) =>
      guardInboxRequest(request, {
        rateLimiter: deps.rateLimiter,
        isBlockedInstance: blocks.isBlocked,
        limits: policy.inbox,
      }),
    withGuardedFetch: guarded,
    async startJobs() {
      await deps.queue.repeat('federation.kv-sweep', { everyMs: 10 * 60_000 }, () => kv.sweepExpired())
    },
  }
}
