// @vitest-environment happy-dom
import { h, render } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Media } from '../app/types.js'

function media(id: string, spoiler: boolean, width = 1200, height = 800): Media {
  return {
    id,
    width,
    height,
    blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
    alt: `alt of ${id}`,
    credit: null,
    spoiler,
    variants: [{ name: '320', width: 320, height: 213, format: 'webp', url: `/media/${id}/320.webp` }],
  }
}

describe('Album', () => {
  let root: HTMLElement
  beforeEach(() => {
    localStorage.clear()
    root = document.createElement('div')
    document.body.append(root)
  })
  afterEach(() => {
    render(null, root)
    root.remove()
  })

  async function mount(items: Media[]) {
    // Imported after localStorage is cleared: the spoiler memory reads it on load.
    const { Album } = await import('./Album.js')
    await act(() => render(h(Album, { media: items, spoilerLabel: 'Chapter 8' }), root))
  }

  it("lays the grid out from the images' sizes before anything loads, and gives every image alt text", async () => {
    await mount([media('a', false), media('b', false, 800, 1200)])
    const row = root.querySelector<HTMLElement>('.album-row')!
    // 3:2 next to 2:3: one row as wide as both ratios together, each cell its share.
    expect(Number.parseFloat(row.style.aspectRatio)).toBeCloseTo(2.167, 3)
    const cells = [...root.querySelectorAll<HTMLElement>('.album-cell')]
    expect(cells.map((c) => Number.parseFloat(c.style.flex))).toEqual([69.231, 30.769])
    expect([...root.querySelectorAll('img')].map((i) => i.getAttribute('alt'))).toEqual([
      'alt of a',
      'alt of b',
    ])
  })

  it('renders no image for hidden spoilers, reveals all of them with one tap and remembers it', async () => {
    await mount([media('open', false), media('secret', true), media('other', true)])
    const hidden = root.querySelectorAll<HTMLButtonElement>('[data-spoiler="hidden"]')
    expect(hidden).toHaveLength(2)
    expect(hidden[0]!.textContent).toContain('Spoiler: Chapter 8')
    expect(root.querySelectorAll('img')).toHaveLength(1)
    await act(() => hidden[1]!.click())
    expect(root.querySelectorAll('img')).toHaveLength(3)
    expect(root.querySelector('[data-spoiler="hidden"]')).toBeNull()
    expect(localStorage.getItem('backlot.revealed')).toContain('media:secret')
    expect(localStorage.getItem('backlot.revealed')).toContain('media:other')
  })
})
