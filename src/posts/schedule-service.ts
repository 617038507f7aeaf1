import { listUnpublished, publishNow, type ScheduleDeps, schedulePost, unschedulePost } from './schedule.js'

/**
 * Drafts and scheduled posts for the channel's staff (schedule.ts). `deps.scheduler` is told about
 * each (re)scheduled post; the scheduler itself publishes through `publishDue`, which needs only
 * the post deps — so context.ts builds the scheduler first and hands it in here.
 */
export function createScheduleService(deps: ScheduleDeps) {
  return {
    list: listUnpublished.bind(null, deps),
    schedule: schedulePost.bind(null, deps),
    unschedule: unschedulePost.bind(null, deps),
    publishNow: publishNow.bind(null, deps),
  }
}

export type ScheduleService = ReturnType<typeof createScheduleService>
