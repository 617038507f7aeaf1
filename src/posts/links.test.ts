import { describe, expect, it } from 'vitest'
import { findLinks } from './links.js'

/** The text each span covers: offsets must cut the original text exactly at the link. */
function covered(text: string) {
  return findLinks(text).map((l) => text.slice(l.start, l.end))
}

describe('findLinks', () => {
  it('finds http and https URLs with their offsets', () => {
    const text = 'Call sheet: https://example.org/day/11?unit=2 and http://a.test'
    expect(findLinks(text)).toEqual([
      { url: 'https://example.org/day/11?unit=2', start: 12, end: 45 },
      { url: 'http://a.test', start: 50, end: 63 },
    ])
  })

  it('links bare www. domains as https', () => {
    expect(findLinks('see www.backlot.dev/tour now')).toEqual([
      { url: 'https://www.backlot.dev/tour', start: 4, end: 24 },
    ])
  })

  it('leaves trailing punctuation out of the link', () => {
    expect(covered('Go to https://example.org/a.')).toEqual(['https://example.org/a'])
    expect(covered('(photos at https://example.org/set)')).toEqual(['https://example.org/set'])
    expect(covered('Really? https://example.org/x?!')).toEqual(['https://example.org/x'])
    expect(covered('"https://example.org/q",')).toEqual(['https://example.org/q'])
    expect(covered('www.example.org, then')).toEqual(['www.example.org'])
  })

  it('keeps balanced brackets that belong to the URL', () => {
    expect(covered('https://en.wikipedia.org/wiki/Film_(disambiguation)')).toEqual([
      'https://en.wikipedia.org/wiki/Film_(disambiguation)',
    ])
    expect(covered('(https://en.wikipedia.org/wiki/Set_(film))')).toEqual([
      'https://en.wikipedia.org/wiki/Set_(film)',
    ])
  })

  it('counts offsets in UTF-16 code units, after emoji and accents', () => {
    const text = '🎬 Café — https://example.org/é 🎥'
    const [link] = findLinks(text)
    expect(link).toMatchObject({ start: 10, end: 31 })
    expect(text.slice(link!.start, link!.end)).toBe('https://example.org/é')
  })

  it('never recognises javascript:, data: or other schemes', () => {
    expect(findLinks('javascript:alert(1)')).toEqual([])
    expect(findLinks('JavaScript:alert(document.cookie)//https')).toEqual([])
    expect(findLinks('javascript:http://example.org')).toEqual([])
    expect(findLinks('javascript://www.example.org/%0aalert(1)')).toEqual([])
    expect(findLinks('data:text/html,<script>alert(1)</script>')).toEqual([])
    expect(findLinks('mailto:press@example.org ftp://example.org')).toEqual([])
  })

  it('stops a URL at markup characters, so <script> text stays outside any link', () => {
    const text = '<script>alert("x")</script>https://example.org/<b>'
    expect(covered(text)).toEqual(['https://example.org/'])
  })

  it('ignores scheme or www. glued to a word, an address or a bare scheme', () => {
    expect(findLinks('xhttps://example.org')).toEqual([])
    expect(findLinks('crew@www.example.org')).toEqual([])
    expect(findLinks('https:// nothing here')).toEqual([])
    expect(findLinks('https:///path')).toEqual([])
    expect(findLinks('www. and www.example')).toEqual([])
  })

  it('finds nothing in plain text', () => {
    expect(findLinks('Day 63 of filming. Chapter 8 wraps soon.')).toEqual([])
    expect(findLinks('')).toEqual([])
  })
})
