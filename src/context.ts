import { createAccountService } from './accounts/service.js'
import { SESSION_EXPIRY_INTERVAL_MS } from './accounts/sessions.js'
import { settleStreamEpoch, stampCleanStop } from './backup/restore-guard.js'
import type { Bus } from './bus/bus.js'
import { createBus } from './bus/create-bus.js'
import { createHotChannels } from './channels/hot-channels.js'
import { assertNotArchived, requirePermission } from './channels/index.js'
import { createChannelService } from './channels/service.js'
import type { Config } from './config/config.js'
import { type DatabaseHandle, openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrator.js'
import { createHub } from './delivery/hub.js'
import { createErasureService, ERASURE_INTERVAL_MS } from './erasure/index.js'
import { createEventLog, readStreamEpoch } from './event-log/event-log.js'
import { createExportService, EXPORT_SWEEP_INTERVAL_MS } from './exports/index.js'
import { createFederationInfra } from './federation/infra/options.js'
import { createFederationService } from './federation/service.js'
import { removeFollowersOfDomain } from './federation/store.js'
import { createRequestLimits } from './http/request-limits.js'
import { createCountsMarker, startCountsRelay } from './interactions/live-counts.js'
import { createInteractionService } from './interactions/service.js'
import { createConfiguredRateLimiter } from './kv/create-rate-limiter.js'
import type { RateLimiter } from './kv/rate-limiter.js'
import { RedisUploadLocker } from './kv/redis-upload-locker.js'
import { createLinkPreviewHooks } from './link-previews/hooks.js'
import { withLinkPreviewImages } from './link-previews/media-visibility.js'
import { createLinkPreviewService, PREVIEW_SWEEP_INTERVAL_MS } from './link-previews/service.js'
import { createLogger, type Logger } from './logger.js'
import { createResumableUploadService } from './media/resumable/service.js'
import { createMediaService } from './media/service.js'
import { SWEEP_INTERVAL_MS } from './media/sweeper.js'
import { createMediaStore } from './media-store/create-media-store.js'
import type { MediaStore } from './media-store/media-store.js'
import { createUploadStore } from './media-store/upload-store.js'
import { createMetrics } from './metrics.js'
import { createOutboundClient, type HostResolver } from './outbound/index.js'
import { createPageAssets } from './pages/assets.js'
import { createPageService } from './pages/service.js'
import { createAlbumHooks } from './posts/album.js'
import { listChannelAlbumMediaIds } from './posts/album-store.js'
import { mediaVisibility } from './posts/media-visibility.js'
import { createReviewHooks } from './posts/review-hooks.js'
import { createReviewService } from './posts/review-service.js'
import { publishDue } from './posts/schedule.js'
import { createScheduleService } from './posts/schedule-service.js'
import { createPostService } from './posts/service.js'
import { createDigestService } from './production/digests.js'
import { createProductionHooks } from './production/hooks.js'
import { createPressKitService } from './production/press-kits.js'
import { createPreviewService } from './production/previews.js'
import { createProductionService } from './production/service.js'
import { createTimelineReader } from './production/timeline.js'
import { PRUNE_INTERVAL_MS } from './push/prune.js'
import { createPushService } from './push/service.js'
import type { PushTransport } from './push/transport.js'
import { createQueue } from './queue/create-queue.js'
import type { Queue } from './queue/queue.js'
import { createReachService, REACH_ROLLUP_INTERVAL_MS } from './reach/index.js'
import { createImageFileService } from './reads/image-files.js'
import type { ReadDeps } from './reads/pipeline.js'
import { createReadService } from './reads/service.js'
import { createTracedImages } from './reads/traced-images.js'
import { createReportService } from './reports/service.js'
import { createScheduler } from './scheduler/scheduler.js'
import { createSearchService } from './search/service.js'
import { createSyndicationService } from './syndication/service.js'
import { type Clock, systemClock } from './util/clock.js'

/** Seams and test hooks a caller may supply instead of the ones built from config (STYLE rule 2). */
export interface ContextOverrides {
  bus?: Bus
  clock?: Clock
  logger?: Logger
  rateLimiter?: RateLimiter
  database?: DatabaseHandle
  mediaStore?: MediaStore
  queue?: Queue
  /** Test only: name resolution for the outbound client (the DNS-rebinding test); default: DNS. */
  outboundResolve?: HostResolver
  /** How push messages leave (tests, benchmarks); default: the guarded HTTP client. */
  pushTransport?: PushTransport
  /**
   * False in a `serve --workers` worker: the primary checked the database for a restore before
   * forking and stamps it when all have stopped (cli/workers.ts), so a worker only reads the epoch.
   */
  checkRestore?: boolean
  /** Milliseconds between runs of periodic jobs, by job name (tests); default: each job's own. */
  periodicIntervals?: Record<string, number>
}

/**
 * The composition root: builds the seams from config, then the services, and returns everything a
 * route needs. Nothing else constructs seams. Disposing it closes what it opened, in order.
 */
export async function createContext(config: Config, overrides: ContextOverrides = {}) {
  const logger = overrides.logger ?? createLogger(config.logLevel)
  const clock = overrides.clock ?? systemClock
  const metrics = createMetrics()
  const database = overrides.database ?? (await openDatabase(config.database))
  await migrateToLatest(database.db)
  const db = database.db
  // Memory, the workers' IPC relay, or Redis (BACKLOT_REDIS_URL): see createBus and docs/operations.md.
  const bus = overrides.bus ?? (await createBus(config, logger))
  const ownRateLimiter = overrides.rateLimiter
    ? null
    : await createConfiguredRateLimiter(config, { clock, logger })
  const rateLimiter = overrides.rateLimiter ?? ownRateLimiter!
  // Every route's buckets (issue 14), on the same seam as login throttling.
  const requestLimits = createRequestLimits({ rateLimiter, config: config.rateLimits })
  const checkRestore = overrides.checkRestore ?? true
  // A restored database gets a new epoch here, before anything reads or serves it (backup/restore-guard.ts).
  const epoch = checkRestore
    ? await settleStreamEpoch(db, config.database, logger)
    : await readStreamEpoch(db)
  const eventLog = createEventLog({ db, bus, clock, epoch, metrics, logger })
  const lifecycle = { isDraining: false }
  // Read at each use: with BACKLOT_PORT=0 the public URL is known only once the server listens
  // (server.ts replaces context.config). Work done while the context is still being built — the
  // scheduler's first sweep publishes what came due while the server was down — gets the
  // configured URL: `context` does not exist yet.
  let isBuilt = false
  const publicUrl = () => (isBuilt ? context.config : config).publicUrl
  // In-process on one node; BullMQ over Redis in a cluster (BACKLOT_REDIS_URL) behind the same interface.
  const queue = overrides.queue ?? (await createQueue(config, logger))

  // Every fetch of a URL Backlot did not choose goes through this one client (src/outbound).
  if (config.outbound.allowLoopbackPorts.length > 0) {
    logger.warn(
      { ports: config.outbound.allowLoopbackPorts },
      'BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS is a test setting',
    )
  }
  const outbound = createOutboundClient({
    allowHttp: config.outbound.allowHttp,
    dial: { loopbackPorts: new Set(config.outbound.allowLoopbackPorts), resolve: overrides.outboundResolve },
    connectTimeoutMs: config.outbound.connectTimeoutMs,
    totalTimeoutMs: config.outbound.timeoutMs,
    maxBodyBytes: config.outbound.maxBodyBytes,
    userAgent: `Backlot (+${config.publicUrl.origin})`,
  })

  const accounts = createAccountService({ db, clock, config, rateLimiter, bus, logger })
  await accounts.start()
  const interactionsLogger = logger.child({ area: 'interactions' })
  const countsMarker = createCountsMarker(bus, interactionsLogger)
  const interactions = createInteractionService({
    db,
    clock,
    eventLog,
    marker: countsMarker,
    logger: interactionsLogger,
    batchWindowMs: config.interactionBatchMs,
  })
  // Reach without tracking (issue 19 part 5): counts of public pages, embeds, feeds and oEmbed.
  const reach = createReachService({ db, clock, logger: logger.child({ area: 'reach' }) })
  // The data folder, or an S3-compatible store shared by the nodes (BACKLOT_MEDIA_STORE=s3).
  const ownMediaStore = overrides.mediaStore ? null : await createMediaStore(config)
  const mediaStore = overrides.mediaStore ?? ownMediaStore!
  // Search indexes a post in the transaction that publishes, edits or deletes it (issue 19), and
  // finds channels by title and description for the channel list, which sits below it.
  const search = createSearchService({ db, clock })
  const channels = createChannelService({
    db,
    clock,
    eventLog,
    mediaStore,
    logger,
    publicUrl,
    // Posts sit above channels: deleting a channel asks posts which album images go with it.
    listContentMediaIds: listChannelAlbumMediaIds,
    matchChannels: search.matchChannels,
  })
  const albumHooks = createAlbumHooks({ db, mediaStore, publicUrl, logger })
  // Production last: its hydrate applies the spoiler auto-lift to what the others added (issue 6).
  const postHooks = [
    albumHooks,
    createReviewHooks(),
    interactions.postHooks,
    reach.postHooks,
    createLinkPreviewHooks({ db, mediaStore, logger: logger.child({ area: 'link-previews' }), publicUrl }),
    createProductionHooks({ clock }),
    search.postHooks,
  ]
  const postDeps = { db, clock, eventLog, logger, hooks: postHooks }
  // The scheduler publishes through posts' publishDue, which needs only the post deps; posts tell
  // it about newly scheduled posts through the small SchedulerHandle interface (posts/schedule.ts)
  // handed to them here. Built in that order, neither needs the other to exist first.
  const scheduler = createScheduler({
    db,
    clock,
    queue,
    logger: logger.child({ area: 'scheduler' }),
    publish: (postId, publishAt) => publishDue(postDeps, postId, publishAt),
  })
  const posts = createPostService({ ...postDeps, scheduler })
  const schedule = createScheduleService({ ...postDeps, scheduler })
  const reviews = createReviewService({ ...postDeps, scheduler })
  // Every read of posts — the API's, pages, feeds, oEmbed, embeds, timeline, digests, previews —
  // goes through the one read pipeline with these deps (reads/pipeline.ts).
  // Anonymous public reads take the channel row from here, not the database (issue 21 part 2).
  const hotChannels = config.hotReads
    ? await createHotChannels({ db, bus, logger: logger.child({ area: 'hot-reads' }) })
    : null
  const readDeps: ReadDeps = { db, clock, mediaStore, publicUrl, hooks: postHooks, hotChannels }
  const reads = createReadService(readDeps)
  const production = createProductionService({
    db,
    clock,
    eventLog,
    hooks: postHooks,
    publicUrl,
    productionChanged: search.productionChanged,
  })
  const previews = createPreviewService({ db, clock, publicUrl })
  const timeline = createTimelineReader(readDeps)
  const digests = createDigestService({ ...readDeps, posts })
  const pageAssets = createPageAssets(publicUrl)
  const streamEpoch = eventLog.epoch
  // Images served through a press link carry that recipient's watermark (docs/watermark.md).
  const traced = createTracedImages({ mediaStore })
  const pressKits = createPressKitService({ ...readDeps, traced })
  const pages = createPageService({
    ...readDeps,
    assets: pageAssets,
    previews,
    pressKits,
    streamEpoch,
    timeline,
    search,
  })
  const syndication = createSyndicationService(readDeps)
  const imageFiles = createImageFileService({ ...readDeps, openPreview: previews.open, traced })
  // Who sees a media file depends on its post or channel, both above media: posts decides.
  const media = createMediaService({
    db,
    clock,
    config: config.media,
    mediaStore,
    logger,
    mediaVisibility: withLinkPreviewImages(mediaVisibility),
  })
  // Resumable (tus) uploads: bytes on disk or in the S3 bucket until the last one, then the same
  // pipeline as a multipart upload. Who may upload to a channel is decided by channels, above media.
  const uploadStore = await createUploadStore(config)
  // Two requests for one upload on two nodes (or two --workers processes) wait for each other
  // through Redis; without Redis there is one process, and tus's own MemoryLocker serialises them.
  const uploadLocker = config.redis ? await RedisUploadLocker.connect(config.redis, logger) : undefined
  const resumableUploads = createResumableUploadService({
    db,
    clock,
    config: config.media,
    uploadStore,
    logger,
    upload: media.upload,
    channelForUpload: async (accountId, slug) => {
      const access = await requirePermission(db, slug, accountId, 'post.create')
      assertNotArchived(access)
      return access.channel.id
    },
  })
  const hub = createHub({
    db,
    bus,
    eventLog,
    metrics,
    config: config.stream,
    logger: logger.child({ area: 'delivery' }),
    clock,
    checkCredentials: accounts.liveCredentials,
  })
  await hub.start()
  // Logouts and revoked tokens, local or from other nodes (the accounts area's one auth.revoked
  // subscription), end the streams they opened.
  accounts.onRevoked((what) => hub.credentialRevoked(what))
  const countsRelay = await startCountsRelay({
    db,
    bus,
    hasSubscribers: (channelId) => hub.hasSubscribers(channelId),
    broadcastCounts: (channelId, json) => hub.broadcastEphemeral(channelId, { type: 'counts', json }),
    clock,
    logger: interactionsLogger,
  })
  // Closes polls whose time passed while the server was down before serving any request.
  await interactions.start()
  // Indexes the posts published before search existed (once per database).
  await search.start()
  const push = await createPushService({
    db,
    clock,
    config: config.push,
    queue,
    eventLog,
    metrics,
    logger: logger.child({ area: 'push' }),
    publicUrl,
    transport: overrides.pushTransport,
  })
  await push.start()
  // A post's first link as a card, fetched once the post is public (issue 18 part 4).
  const linkPreviews = createLinkPreviewService({
    db,
    clock,
    queue,
    eventLog,
    outbound,
    mediaStore,
    rateLimiter,
    media: { maxBytes: config.media.maxBytes, maxPixels: config.media.maxPixels },
    config: config.linkPreviews,
    logger: logger.child({ area: 'link-previews' }),
    hooks: () => postHooks,
  })
  const stopLinkPreviews = linkPreviews.start()
  // ActivityPub (issue 18, docs/federation.md): Fedify's stores, queues and guarded loaders over
  // Backlot's seams, the operator's instance block list and remote instances' delivery health…
  const federationInfra = createFederationInfra({
    db,
    queue,
    outbound,
    rateLimiter,
    clock,
    logger,
    userAgent: `Backlot (+${config.publicUrl.origin})`,
    removeFollowers: removeFollowersOfDomain,
  })
  const instanceBlocks = federationInfra.blocks
  const deliveryHealth = federationInfra.health
  // …and on them, channels as actors and posts delivered to followers.
  const federation = createFederationService({
    db,
    clock,
    logger: logger.child({ area: 'federation' }),
    config,
    publicUrl,
    readDeps,
    queue,
    eventLog,
    infra: federationInfra,
  })
  const stopFederation = await federation.start()
  // Reports resolve through the areas that own the content (reports/actions.ts).
  const reports = createReportService({
    db,
    clock,
    logger: logger.child({ area: 'reports' }),
    publicUrl,
    notify: (notice) => push.notify(notice),
    actions: {
      removePost: (actorId, slug, postId) => posts.remove(actorId, slug, postId),
      setAlbum: async (actorId, slug, postId, mediaIds) => {
        await posts.edit(actorId, slug, postId, { media: mediaIds.map((id) => ({ id })) })
      },
      hideAnswer: async (actorId, slug, postId, answerId) => {
        await interactions.setHidden(actorId, slug, postId, answerId, true)
      },
      ban: async (slug, actorId, handle, reason) => {
        await channels.bans.ban(slug, actorId, handle, reason)
      },
      suspendChannel: async (slug, operatorId, reason) => {
        await channels.operators.setSuspended(slug, operatorId, true, reason)
      },
      hideChannel: async (slug, operatorId) => {
        await channels.operators.setHidden(slug, operatorId, true)
      },
    },
  })
  // Account deletion: erases accounts whose grace period ended (issue 17 point 3).
  const erasure = createErasureService({
    db,
    clock,
    logger,
    mediaStore,
    accounts,
    graceMs: config.accountDeletionGraceMs,
    publishAccessChange: (change) => eventLog.publishAccessChange(change),
    markCounts: (channelId, postId) => countsMarker.mark(channelId, postId),
    forgetExports: (accountId) => exports.forget(accountId),
    forgetResumableUploads: (accountId) => resumableUploads.forgetAccount(accountId),
  })
  // Archives of a person's data or a channel (issue 17 point 2), written by Queue jobs.
  const exports = createExportService({
    db,
    clock,
    queue,
    mediaStore,
    logger: logger.child({ area: 'exports' }),
    dataDir: config.dataDir,
    ttlMs: config.exportTtlMs,
    publicUrl,
  })
  await exports.start()
  // Publishes scheduled posts whose time passed while the server was down (late), then keeps time.
  await scheduler.start()
  // Periodic work, each once per interval for the whole cluster (Queue.repeat; docs/operations.md).
  const periodic: [name: string, everyMs: number, run: () => Promise<unknown>][] = [
    ['media-sweep', SWEEP_INTERVAL_MS, () => media.sweepUnattached()],
    ['resumable-upload-sweep', SWEEP_INTERVAL_MS, () => resumableUploads.sweep()],
    ['push-prune', PRUNE_INTERVAL_MS, () => push.prune()],
    ['session-expiry', SESSION_EXPIRY_INTERVAL_MS, () => accounts.expireSessions()],
    ['account-erasure', ERASURE_INTERVAL_MS, () => erasure.eraseDue()],
    ['export-expiry', EXPORT_SWEEP_INTERVAL_MS, () => exports.sweep()],
    // Ends finished days: visitor hashes become a count, the day's salt is deleted (docs/privacy.md).
    ['reach-rollup', REACH_ROLLUP_INTERVAL_MS, () => reach.rollUp()],
    ['link-preview-sweep', PREVIEW_SWEEP_INTERVAL_MS, () => linkPreviews.sweep()],
  ]
  for (const [name, everyMs, run] of periodic)
    await queue.repeat(name, { everyMs: overrides.periodicIntervals?.[name] ?? everyMs }, run)

  const logStampFailure = (error: unknown) =>
    logger.error({ err: error }, 'could not stamp the database at stop; the next start changes the epoch')
  const close = async () => {
    await scheduler.stop()
    // Jobs still running (periodic ones too) finish first (they use the database); then nothing sends any more.
    stopLinkPreviews()
    stopFederation()
    await queue.close()
    await push.close()
    await outbound[Symbol.asyncDispose]()
    await media.close()
    await interactions.close()
    await reach.close()
    await countsRelay.close()
    await accounts.close()
    await hub.close()
    await hotChannels?.[Symbol.asyncDispose]()
    await bus.close()
    await ownRateLimiter?.close()
    ownMediaStore?.close?.()
    uploadStore.close()
    await uploadLocker?.close()
    if (checkRestore) await stampCleanStop(db, config.database).catch(logStampFailure)
    await database.close()
  }
  const context = {
    config,
    logger,
    clock,
    metrics,
    db,
    dialect: database.dialect,
    bus,
    rateLimiter,
    requestLimits,
    eventLog,
    lifecycle,
    accounts,
    erasure,
    channels,
    posts,
    interactions,
    reach,
    mediaStore,
    media,
    resumableUploads,
    uploadLocker,
    hub,
    close,
    queue,
    push,
    outbound,
    linkPreviews,
    instanceBlocks,
    deliveryHealth,
    federationInfra,
    federation,
    reports,
    search,
    exports,
    readDeps,
    reads,
    production,
    schedule,
    reviews,
    scheduler,
    previews,
    pressKits,
    timeline,
    digests,
    pageAssets,
    pages,
    syndication,
    imageFiles,
    [Symbol.asyncDispose]: close,
  }
  isBuilt = true
  return context
}

export type AppContext = Awaited<ReturnType<typeof createContext>>
