import type { Config } from '../config/config.js'
import type { Logger } from '../logger.js'
import { BullMqQueue } from './bullmq-queue.js'
import { InProcessQueue } from './in-process-queue.js'
import type { Queue } from './queue.js'

/**
 * Chooses the job queue: BullMQ over Redis when REDIS_URL is set (durable, shared by every node: a
 * job runs on one node, and still runs if the node that queued it died), else in this process.
 */
export function createQueue(config: Config, logger: Logger): Queue {
  const queueLogger = logger.child({ area: 'queue' })
  return config.redis
    ? new BullMqQueue(config.redis, queueLogger)
    : new InProcessQueue({ logger: queueLogger })
}
