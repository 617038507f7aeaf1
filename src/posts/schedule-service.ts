import { listUnpublished, publishNow, type ScheduleDeps, schedulePost, unschedulePost } from './schedule.js'
import type { PostViewData } from './schemas.js'

/**
 * Drafts and scheduled posts for the channel's staff (schedule.ts). `deps.scheduler` is told about
 * each (re)scheduled post; the scheduler itself publishes through `publishDue`, which needs only
 * the post deps — so context.ts builds the scheduler first and hands it in here.
 */
export interface ScheduleService {
  /**
   * The channel's drafts and scheduled posts (post.read-unpublished): scheduled by time, then
   * drafts newest first.
   */
  list(actorId: string, slug: string): Promise<PostViewData[]>
  /**
   * Schedules a draft or moves a scheduled post (its author, or post.edit-any): `validation` for a
   * past or too far time, `post-already-published`.
   */
  schedule(actorId: string, slug: string, postId: string, publishAtText: string): Promise<PostViewData>
  /** Turns a scheduled post back into a draft, forgetting its time (`post-already-published`). */
  unschedule(actorId: string, slug: string, postId: string): Promise<PostViewData>
  /** Publishes a draft or scheduled post now, with its event and notifications (`post-already-published`). */
  publishNow(actorId: string, slug: string, postId: string): Promise<PostViewData>
}

export function createScheduleService(deps: ScheduleDeps): ScheduleService {
  return {
    list: listUnpublished.bind(null, deps),
    schedule: schedulePost.bind(null, deps),
    unschedule: unschedulePost.bind(null, deps),
    publishNow: publishNow.bind(null, deps),
  }
}
