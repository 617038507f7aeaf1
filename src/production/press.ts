import type { Logger } from '../logger.js'
import type { MediaStore } from '../media-store/media-store.js'
import { pageAssets } from '../pages/assets.js'
import { createPageService } from '../pages/service.js'
import {
  listUnpublished,
  publishDue,
  publishNow,
  type ScheduleDeps,
  type SchedulerHandle,
  schedulePost,
  unschedulePost,
} from '../posts/schedule.js'
import type { PostService } from '../posts/service.js'
import type { Queue } from '../queue/queue.js'
import { originOf, type ReadDeps } from '../reads/pipeline.js'
import { createScheduler } from '../scheduler/scheduler.js'
import { createSyndicationService } from '../syndication/service.js'
import { createDigestService } from './digests.js'
import { createPreviewService } from './previews.js'
import { createProductionService } from './service.js'
import { createTimelineReader } from './timeline.js'

export interface PressDeps {
  /** The same deps the post service was built with (hooks included). */
  postDeps: ScheduleDeps
  posts: PostService
  mediaStore: MediaStore
  queue: Queue
  logger: Logger
  publicUrl: () => URL
}

/**
 * A scheduler handle for the post service that is bound later: the post service needs it to
 * announce scheduled posts, and the scheduler needs the post service's deps to publish them.
 */
export function lateSchedulerHandle() {
  let target: SchedulerHandle | null = null
  const handle: SchedulerHandle = { scheduled: async (id, at) => target?.scheduled(id, at) }
  return { handle, bind: (t: SchedulerHandle) => (target = t) }
}

/**
 * Wires the production-and-press area (issue 6): production facts and tags, scheduling and its
 * Queue-driven scheduler, press previews, digests, public pages, feeds, oEmbed and embeds. All
 * public reads share one ReadDeps and therefore one pipeline (reads/pipeline.ts).
 */
export function createPress(deps: PressDeps) {
  const { postDeps } = deps
  const { db, clock } = postDeps
  const readDeps: ReadDeps = { db, clock, mediaStore: deps.mediaStore, publicUrl: deps.publicUrl }
  let assets: ReturnType<typeof pageAssets> | null = null
  let assetsOrigin = ''
  const currentAssets = () => {
    const origin = originOf(deps.publicUrl())
    if (!assets || assetsOrigin !== origin) {
      assets = pageAssets(new URL(origin).origin)
      assetsOrigin = origin
    }
    return assets
  }
  const previews = createPreviewService({ db, clock, publicUrl: deps.publicUrl })
  const timeline = createTimelineReader(readDeps)
  const scheduler = createScheduler({
    db,
    clock,
    queue: deps.queue,
    logger: deps.logger.child({ area: 'scheduler' }),
    publish: (postId, publishAt) => publishDue(postDeps, postId, publishAt),
  })
  return {
    scheduler,
    services: {
      readDeps,
      pageAssets: currentAssets,
      production: createProductionService({
        db,
        clock,
        eventLog: postDeps.eventLog,
        hooks: postDeps.hooks ?? [],
        publicUrl: deps.publicUrl,
      }),
      schedule: {
        list: listUnpublished.bind(null, postDeps),
        schedule: schedulePost.bind(null, postDeps),
        unschedule: unschedulePost.bind(null, postDeps),
        publishNow: publishNow.bind(null, postDeps),
      },
      previews,
      digests: createDigestService({ ...readDeps, posts: deps.posts }),
      pages: createPageService({
        ...readDeps,
        assets: currentAssets,
        previews,
        streamEpoch: postDeps.eventLog.epoch,
        timeline,
      }),
      syndication: createSyndicationService({ ...readDeps, previews }),
      timeline,
      scheduler,
    },
  }
}
