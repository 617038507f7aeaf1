import { afterAll, describe } from 'vitest'
import { deleteRedisKeys, redisAdmin, testRedisSettings } from '../../test/_util/redis.js'
import { createLogger } from '../logger.js'
import { BullMqQueue } from './bullmq-queue.js'
import { testQueueContract } from './queue.contract.js'

describe('BullMqQueue [redis]', () => {
  const settings = testRedisSettings('queue')
  testQueueContract('BullMqQueue', async () => new BullMqQueue(settings, createLogger('silent')))

  afterAll(async () => {
    const admin = await redisAdmin()
    await deleteRedisKeys(admin, settings.prefix)
    admin.disconnect()
  })
})
