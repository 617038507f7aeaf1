import { describe, expect, it } from 'vitest'
import { albumRows, aspectRatio, cellSizes, pickVariant, rowSizes, srcSet } from './album-layout.js'
import type { MediaVariant } from './types.js'

describe('album layout', () => {
  it('lays an album out in rows: one, two, one over two, then rows of two or three', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 10].map(rowSizes)).toEqual([
      [1],
      [2],
      [1, 2],
      [2, 2],
      [2, 3],
      [3, 3],
      [2, 2, 3],
      [2, 3, 3],
      [2, 2, 3, 3],
    ])
    expect(rowSizes(0)).toEqual([])
  })

  it('gives each image of a row a width in proportion to its shape, the row one height', () => {
    // A landscape 3:2 still next to a portrait 2:3 one: 1.5 + 0.667 wide, the landscape 69 %.
    const [row] = albumRows([
      { width: 1200, height: 800 },
      { width: 800, height: 1200 },
    ])
    expect(row!.ratio).toBeCloseTo(2.167, 3)
    expect(row!.cells.map((c) => c.widthPct)).toEqual([69.231, 30.769])
    // Three images: the first alone on a row, clamped like a single photo (a panorama to 1.91:1).
    const rows = albumRows([
      { width: 4000, height: 1000 },
      { width: 1000, height: 1000 },
      { width: 1000, height: 4000 },
    ])
    expect(rows.map((r) => r.ratio)).toEqual([1.91, 1.5])
    expect(rows[1]!.cells).toEqual([
      { index: 1, widthPct: 66.667 },
      { index: 2, widthPct: 33.333 },
    ])
    // A single portrait stays 4:5 at most; a broken size counts as square.
    expect(albumRows([{ width: 800, height: 2000 }])[0]!.ratio).toBe(0.8)
    expect(aspectRatio({ width: 0, height: 10 })).toBe(1)
  })

  it('tells the browser how wide each cell is drawn, for the srcset', () => {
    expect(cellSizes(50, 616)).toBe('(max-width: 616px) 50vw, 308px')
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
})
