import { describe, expect, it } from 'vitest'
import { aspectRatio, fitInFrame, frameRatio, pickVariant, slideAt, srcSet } from './album-layout.js'
import type { MediaVariant } from './types.js'

describe('album layout', () => {
  it('frames an album by its first image, clamped between 4:5 and 1.91:1', () => {
    expect(frameRatio([{ width: 1200, height: 800 }])).toBeCloseTo(1.5)
    expect(frameRatio([{ width: 800, height: 2000 }])).toBeCloseTo(0.8)
    expect(frameRatio([{ width: 4000, height: 1000 }])).toBeCloseTo(1.91)
    expect(frameRatio([])).toBe(1)
    expect(aspectRatio({ width: 0, height: 10 })).toBe(1)
  })

  it('fits each image inside the frame without cropping', () => {
    // A portrait image in a landscape frame is pillarboxed…
    expect(fitInFrame(0.5, 1.5)).toEqual({ widthPct: 33.333, heightPct: 100 })
    // …a panorama in a square frame is letterboxed…
    expect(fitInFrame(2, 1)).toEqual({ widthPct: 100, heightPct: 50 })
    // …and an image of the frame's own ratio fills it.
    expect(fitInFrame(1.5, 1.5)).toEqual({ widthPct: 100, heightPct: 100 })
  })

  const v = (name: string, width: number, format: MediaVariant['format']): MediaVariant => ({
    name,
    width,
    height: width,
    format,
    url: `/media/x/${name}.${format}`,
  })
  const variants = [
    v('1080', 1080, 'jpeg'),
    v('320', 320, 'webp'),
    v('1080', 1080, 'webp'),
    v('320', 320, 'jpeg'),
  ]

  it('offers WebP variants in a srcset, smallest first', () => {
    expect(srcSet(variants)).toBe('/media/x/320.webp 320w, /media/x/1080.webp 1080w')
    expect(srcSet(variants.filter((x) => x.format === 'jpeg'))).toBe(
      '/media/x/320.jpeg 320w, /media/x/1080.jpeg 1080w',
    )
  })

  it('picks the smallest variant wide enough, else the largest, else the original', () => {
    expect(pickVariant({ variants, originalUrl: null }, 300)).toBe('/media/x/320.webp')
    expect(pickVariant({ variants, originalUrl: null }, 2000)).toBe('/media/x/1080.webp')
    expect(pickVariant({ variants: [], originalUrl: '/o.jpg' }, 10)).toBe('/o.jpg')
  })

  it('finds the slide under a scroll offset', () => {
    expect(slideAt(0, 300, 3)).toBe(0)
    expect(slideAt(310, 300, 3)).toBe(1)
    expect(slideAt(5000, 300, 3)).toBe(2)
    expect(slideAt(10, 0, 3)).toBe(0)
  })
})
