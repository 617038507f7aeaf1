import { createFederation, type Federation, generateCryptoKeyPair } from '@fedify/fedify'
import { type Activity, Create, Follow, Service } from '@fedify/vocab'
import type { Db } from '../../src/db/database.js'
import { DomainError } from '../../src/errors.js'
import {
  createFederationInfra,
  type FederationInfra,
  type FederationInfraPolicy,
} from '../../src/federation/infra/options.js'
import { domainErrorResponse } from '../../src/http/problem-response.js'
import { createRateLimiter } from '../../src/kv/rate-limiter.js'
import { createLogger } from '../../src/logger.js'
import { createOutboundClient, type OutboundClient } from '../../src/outbound/index.js'
import { InProcessQueue } from '../../src/queue/in-process-queue.js'
import type { Queue } from '../../src/queue/queue.js'
import { systemClock } from '../../src/util/clock.js'
import { loopbackTestResolver } from './fedify.js'

/**
 * A minimal local Backlot federation built on the infrastructure under test (src/federation/infra)
 * and nothing of the actors area: one Service actor `channel` with an RSA key, an inbox that
 * records the activities it hears, and the inbox guard in front as the server puts it.
 */
export interface LocalInstance {
  origin: string
  federation: Federation<void>
  infra: FederationInfra
  outbound: OutboundClient
  queue: Queue
  /** Activities the inbox listeners ran for. */
  heard: Activity[]
  /** What the server answers an HTTP request with: the inbox guard, then Fedify. */
  handle(request: Request): Promise<Response>
  close(): Promise<void>
}

export async function createLocalInstance(options: {
  db: Db
  /** Loopback ports the outbound client may dial (the remote test servers). */
  loopbackPorts: number[]
  policy?: Partial<FederationInfraPolicy>
  queue?: Queue
  origin?: string
  /** False: this node queues work but takes no jobs (a node that stops before its workers run them). */
  startQueue?: boolean
}): Promise<LocalInstance> {
  const origin = options.origin ?? 'http://local.test:1'
  const outbound = createOutboundClient({
    allowHttp: true,
    dial: { loopbackPorts: new Set(options.loopbackPorts), resolve: loopbackTestResolver },
    connectTimeoutMs: 2_000,
    totalTimeoutMs: 5_000,
    maxBodyBytes: 1024 * 1024,
    userAgent: 'Backlot-test',
  })
  const queue = options.queue ?? new InProcessQueue()
  const infra = createFederationInfra({
    db: options.db,
    queue,
    outbound,
    rateLimiter: createRateLimiter(systemClock),
    clock: systemClock,
    logger: createLogger('silent'),
    userAgent: 'Backlot-test/1.0',
    policy: options.policy,
  })
  const keyPair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5')
  const federation = createFederation<void>({ ...infra.options })
  federation
    .setActorDispatcher('/actors/{identifier}', async (ctx, identifier) => {
      if (identifier !== 'channel') return null
      const pairs = await ctx.getActorKeyPairs(identifier)
      return new Service({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        publicKey: pairs[0]!.cryptographicKey,
      })
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === 'channel' ? [keyPair] : []))
  const heard: Activity[] = []
  federation
    .setInboxListeners('/actors/{identifier}/inbox', '/inbox')
    .on(Follow, async (_ctx, follow) => {
      heard.push(follow)
    })
    .on(Create, async (_ctx, create) => {
      // The handler reads the object as ap-core's does: Fedify re-fetches an embedded object whose
      // id is of another origin than the activity's sender instead of trusting it.
      // A refused fetch is an error here: the handler then has no object, as with a 404.
      const object = await create.getObject().catch(() => null)
      ;(create as Create & { resolvedObject?: unknown }).resolvedObject = object
      heard.push(create)
    })
  const stop = new AbortController()
  if (options.startQueue !== false) void federation.startQueue(undefined, { signal: stop.signal })
  return {
    origin,
    federation,
    infra,
    outbound,
    queue,
    heard,
    async handle(request) {
      let guarded: Request
      try {
        guarded = await infra.guardInbox(request)
      } catch (error) {
        if (error instanceof DomainError) return domainErrorResponse(error)
        throw error
      }
      return federation.fetch(guarded, { contextData: undefined })
    },
    async close() {
      stop.abort()
      await queue.close()
      await outbound[Symbol.asyncDispose]()
    },
  }
}
