import { describe, expect, it } from 'vitest'
import { islandText, pageText } from './text.js'

describe('page text', () => {
  it('puts a live count’s number in its own element, in the plural form of the language', () => {
    expect(pageText('en').liveCount('reactions', 1).value).toBe(
      '<span data-count-label="reactions"><span data-reactions>1</span> reaction</span>',
    )
    expect(pageText('es').liveCount('voters', 1200).value).toBe(
      '<span data-count-label="voters"><span data-voters>1200</span> votantes</span>',
    )
    expect(pageText('en').liveCount('voters', 1200).value).toContain('<span data-voters>1,200</span> voters')
  })

  it('gives the island every plural form of the page’s language, `other` standing in for a missing one', () => {
    const es = islandText(pageText('es')) as { newPosts: Record<string, string>; join: string }
    expect(Object.keys(es.newPosts).sort()).toEqual(['many', 'one', 'other'])
    expect(es.newPosts.one).toBe('{{count}} publicación nueva: mostrar')
    expect(es.join).toBe('Unirse')
    const en = islandText(pageText('en')) as { newPosts: Record<string, string> }
    expect(en.newPosts).toEqual({ one: '{{count}} new post — show', other: '{{count}} new posts — show' })
  })

  it('formats dates with Intl in the page’s language, in UTC', () => {
    const ms = Date.UTC(2026, 0, 5, 18, 40)
    expect(pageText('en').dateTime(ms)).toBe('Jan 5, 2026, 6:40 PM UTC')
    expect(pageText('es').dateTime(ms)).toBe('5 ene 2026, 18:40 UTC')
    expect(pageText('es').day('2026-01-05')).toBe('5 ene 2026')
  })
})
