import { afterEach, expect, it } from 'vitest'
import type { Bus } from './bus.js'

/**
 * The Bus contract, run by every implementation's test file (STYLE rule 18). A pair is two "nodes"
 * sharing one bus: what one publishes reaches subscribers on both. The bus is lossy by contract, but
 * on a healthy bus on loopback nothing is lost, so the tests expect every message; negative checks
 * ("no longer delivered") are made against a message that a still-subscribed handler did receive.
 */
export interface BusPair {
  a: Bus
  b: Bus
  /** Releases whatever the pair shares (a relay, connections); the buses are closed by the test. */
  close?(): Promise<void>
}

class Inbox {
  readonly messages: string[] = []
  readonly handler = (message: string): void => {
    this.messages.push(message)
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs
    while (this.messages.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} messages, got ${this.messages.length}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    return this.messages
  }
}

export function testBusContract(makePair: () => Promise<BusPair>): void {
  const open: BusPair[] = []
  const pair = async () => {
    const made = await makePair()
    open.push(made)
    return made
  }

  afterEach(async () => {
    for (const made of open.splice(0)) {
      await made.a.close()
      await made.b.close()
      await made.close?.()
    }
  })

  it('delivers a message to subscribers on both nodes, the publisher’s own node included', async () => {
    const { a, b } = await pair()
    const onA = new Inbox()
    const onB = new Inbox()
    await a.subscribe('news', onA.handler)
    await b.subscribe('news', onB.handler)
    await a.publish('news', 'hello 1 {"x":"ü ☃"}\nsecond line')
    expect(await onA.waitFor(1)).toEqual(['hello 1 {"x":"ü ☃"}\nsecond line'])
    expect(await onB.waitFor(1)).toEqual(['hello 1 {"x":"ü ☃"}\nsecond line'])
  })

  it('keeps the order of one topic, for a burst published without waiting', async () => {
    const { a, b } = await pair()
    const onB = new Inbox()
    await b.subscribe('ordered', onB.handler)
    const sent = Array.from({ length: 500 }, (_, i) => `${i + 1}`)
    await Promise.all(sent.map((message) => a.publish('ordered', message)))
    expect(await onB.waitFor(sent.length)).toEqual(sent)
  })

  it('keeps one order for messages of one topic published from both nodes', async () => {
    const { a, b } = await pair()
    const onA = new Inbox()
    const onB = new Inbox()
    await a.subscribe('shared', onA.handler)
    await b.subscribe('shared', onB.handler)
    for (let i = 0; i < 50; i++) {
      await a.publish('shared', `a${i}`)
      await b.publish('shared', `b${i}`)
    }
    await onA.waitFor(100)
    await onB.waitFor(100)
    expect(onA.messages).toEqual(onB.messages)
    expect(onB.messages.filter((m) => m.startsWith('a'))).toEqual(
      Array.from({ length: 50 }, (_, i) => `a${i}`),
    )
  })

  it('routes each message to its topic only, over many topics', async () => {
    const { a, b } = await pair()
    const inboxes = Array.from({ length: 40 }, () => new Inbox())
    await Promise.all(inboxes.map((inbox, i) => b.subscribe(`topic:${i}`, inbox.handler)))
    for (let round = 0; round < 3; round++) {
      await Promise.all(inboxes.map((_, i) => a.publish(`topic:${i}`, `${i}/${round}`)))
    }
    for (const [i, inbox] of inboxes.entries()) {
      expect(await inbox.waitFor(3)).toEqual([`${i}/0`, `${i}/1`, `${i}/2`])
    }
  })

  it('gives each handler of a topic on one node its own copy', async () => {
    const { a, b } = await pair()
    const first = new Inbox()
    const second = new Inbox()
    await b.subscribe('twice', first.handler)
    await b.subscribe('twice', second.handler)
    await a.publish('twice', 'm')
    expect(await first.waitFor(1)).toEqual(['m'])
    expect(await second.waitFor(1)).toEqual(['m'])
  })

  it('stops delivering to a handler once its unsubscribe resolved; others on the topic go on', async () => {
    const { a, b } = await pair()
    const leaving = new Inbox()
    const staying = new Inbox()
    const unsubscribe = await b.subscribe('leave', leaving.handler)
    await b.subscribe('leave', staying.handler)
    await a.publish('leave', 'before')
    await leaving.waitFor(1)
    await staying.waitFor(1)
    await unsubscribe()
    await unsubscribe() // idempotent
    await a.publish('leave', 'after')
    expect(await staying.waitFor(2)).toEqual(['before', 'after'])
    expect(leaving.messages).toEqual(['before'])
  })

  it('resubscribes to a topic after its last handler left', async () => {
    const { a, b } = await pair()
    const old = new Inbox()
    const unsubscribe = await b.subscribe('again', old.handler)
    await unsubscribe()
    await a.publish('again', 'while away')
    const fresh = new Inbox()
    await b.subscribe('again', fresh.handler)
    await a.publish('again', 'back')
    expect((await fresh.waitFor(1)).at(-1)).toBe('back')
    expect(old.messages).toEqual([])
  })

  it('after a node closes, it delivers nothing and the other node goes on', async () => {
    const { a, b } = await pair()
    const onA = new Inbox()
    const onB = new Inbox()
    await a.subscribe('close', onA.handler)
    await b.subscribe('close', onB.handler)
    await b.close()
    await b.publish('close', 'from a closed node') // dropped, never throws
    await a.publish('close', 'still here')
    expect(await onA.waitFor(1)).toEqual(['still here'])
    expect(onB.messages).toEqual([])
  })
}
