import { InProcessQueue } from './in-process-queue.js'
import { testQueueContract } from './queue.contract.js'

testQueueContract('InProcessQueue', async (logger) => new InProcessQueue({ logger }))
