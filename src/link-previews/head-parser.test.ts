import { describe, expect, it } from 'vitest'
import { createHeadParser, FIELD_MAX } from './head-parser.js'

function parse(...chunks: string[]) {
  const parser = createHeadParser()
  for (const chunk of chunks) parser.write(chunk)
  return { card: parser.card(), isDone: parser.isDone }
}

describe('createHeadParser', () => {
  it('prefers OpenGraph, then Twitter card, then plain HTML, across chunk boundaries', () => {
    const { card, isDone } = parse(
      '<html><head><title>Plain &amp; simple</title><meta name="twitter:title" content="Twitter">',
      '<meta property="og:title" content="Open &amp; Graph"><meta name="description" content="Desc">',
      '<meta property="og:site_name" content="Site"><meta property="og:ima',
      'ge" content="/img.png"></head><body>ignored</body>',
    )
    expect(card).toEqual({ title: 'Open & Graph', description: 'Desc', siteName: 'Site', image: '/img.png' })
    expect(isDone).toBe(true)
  })

  it('falls back to <title> and stops at <body> even without </head>', () => {
    const { card, isDone } = parse(
      '<title>Only\n a   title</title><body><meta property="og:title" content="late">',
    )
    expect(card.title).toBe('Only a title')
    expect(isDone).toBe(true)
  })

  it('clips a huge title as it streams', () => {
    const parser = createHeadParser()
    parser.write('<title>')
    for (let i = 0; i < 64; i++) parser.write('x'.repeat(16 * 1024))
    const card = parser.card()
    expect([...card.title!].length).toBe(FIELD_MAX.title)
  })
})
