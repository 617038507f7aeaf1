// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { SPOILER_MEMORY, SPOILER_STORAGE_KEY, SpoilerMemory } from './spoilers.js'

describe('spoiler memory', () => {
  beforeEach(() => localStorage.clear())

  it('remembers a reveal on this device across page loads', () => {
    const first = new SpoilerMemory(localStorage)
    expect(first.isRevealed('media', 'm1')).toBe(false)
    first.reveal('media', 'm1')
    expect(first.isRevealed('media', 'm1')).toBe(true)
    const afterReload = new SpoilerMemory(localStorage)
    expect(afterReload.isRevealed('media', 'm1')).toBe(true)
    expect(afterReload.isRevealed('post', 'm1')).toBe(false)
  })

  it('survives corrupt or foreign storage contents', () => {
    localStorage.setItem(SPOILER_STORAGE_KEY, '{not json')
    expect(new SpoilerMemory(localStorage).isRevealed('post', 'x')).toBe(false)
    localStorage.setItem(SPOILER_STORAGE_KEY, JSON.stringify({ a: 1 }))
    const memory = new SpoilerMemory(localStorage)
    memory.reveal('post', 'x')
    expect(new SpoilerMemory(localStorage).isRevealed('post', 'x')).toBe(true)
  })

  it('forgets the oldest reveals past its cap', () => {
    const memory = new SpoilerMemory(localStorage)
    for (let i = 0; i <= SPOILER_MEMORY; i++) memory.reveal('media', `m${i}`)
    const reloaded = new SpoilerMemory(localStorage)
    expect(reloaded.isRevealed('media', 'm0')).toBe(false)
    expect(reloaded.isRevealed('media', `m${SPOILER_MEMORY}`)).toBe(true)
  })

  it('still works for the page when storage refuses writes', () => {
    const memory = new SpoilerMemory({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    })
    memory.reveal('post', 'p')
    expect(memory.isRevealed('post', 'p')).toBe(true)
  })
})
