import { describe, expect, it } from 'vitest'
import { MemoryBus } from '../bus/memory-bus.js'
import { createLogger } from '../logger.js'
import { countsTopic, createCountsMarker } from './live-counts.js'

describe('CountsMarker', () => {
  it('batches marks into one bus message per channel, never one per click', async () => {
    const bus = new MemoryBus()
    const messages: string[] = []
    await bus.subscribe(countsTopic, (m) => messages.push(m))
    const marker = createCountsMarker(bus, createLogger('silent'))
    for (let i = 0; i < 1000; i++) marker.mark('channel-a', i % 2 ? 'post-1' : 'post-2')
    marker.mark('channel-b', 'post-3')
    expect(messages).toEqual([])
    await marker.flush()
    expect(messages.sort()).toEqual(['channel-a post-2 post-1', 'channel-b post-3'])
  })
})
