import type { Config } from '../config/config.js'
import type { Logger } from '../logger.js'
import { InProcessQueue } from './in-process-queue.js'
import type { Queue } from './queue.js'

/**
 * Chooses the job queue: BullMQ over Redis when BACKLOT_REDIS_URL is set (durable, shared by every node: a
 * job runs on one node, and still runs if the node that queued it died), else in this process.
 * BullMQ is loaded only in cluster mode.
 */
export async function createQueue(config: Config, logger: Logger): Promise<Queue> {
  const queueLogger = logger.child({ area: 'queue' })
  if (!config.redis) return new InProcessQueue({ logger: queueLogger })
  const { BullMqQueue } = await import('./bullmq-queue.js')
  return new BullMqQueue(config.redis, queueLogger)
}
