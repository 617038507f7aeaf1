import { describe } from 'vitest'
import { testRedisSettings } from '../../test/_util/redis.js'
import { createLogger } from '../logger.js'
import { testBusContract } from './bus.contract.js'
import { RedisBus } from './redis-bus.js'

describe('RedisBus [redis]', () => {
  const logger = createLogger('silent')
  testBusContract(async () => {
    // A fresh prefix per pair: nothing published by an earlier test can reach this one.
    const settings = testRedisSettings('bus')
    return { a: await RedisBus.connect(settings, logger), b: await RedisBus.connect(settings, logger) }
  })
})
