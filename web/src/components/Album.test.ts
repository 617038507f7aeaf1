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

  it('sizes the frame from the first image before anything loads, and gives every image alt text', async () => {
    await mount([media('a', false), media('b', false, 800, 1200)])
    const frame = root.querySelector<HTMLElement>('.album')!
    expect(frame.style.aspectRatio).toMatch(/^1\.5( \/ 1)?$/)
    const boxes = [...root.querySelectorAll<HTMLElement>('.slide-box')]
    expect(boxes[1]!.style.width).toBe('44.444%')
    expect([...root.querySelectorAll('img')].map((i) => i.getAttribute('alt'))).toEqual([
      'alt of a',
      'alt of b',
    ])
  })

  it('renders no image for a hidden spoiler, reveals it on tap and remembers it on this device', async () => {
    await mount([media('open', false), media('secret', true)])
    const hidden = root.querySelector('[data-spoiler="hidden"]')!
    expect(hidden.textContent).toContain('Spoiler: Chapter 8')
    expect(root.querySelectorAll('img')).toHaveLength(1)
    await act(() => (hidden.querySelector('button') as HTMLButtonElement).click())
    expect(root.querySelectorAll('img')).toHaveLength(2)
    expect(root.querySelector('[data-spoiler="hidden"]')).toBeNull()
    expect(localStorage.getItem('backlot.revealed')).toContain('media:secret')
  })
})
