import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { detectImageType } from './detect.js'
import { variantSizes } from './processing.js'

function ftyp(major: string, ...compatible: string[]): Buffer {
  const box = Buffer.alloc(16 + 4 * compatible.length)
  box.writeUInt32BE(box.length, 0)
  box.write(`ftyp${major}`, 4, 'latin1')
  for (const [i, brand] of compatible.entries()) box.write(brand, 16 + 4 * i, 'latin1')
  return Buffer.concat([box, Buffer.alloc(32)])
}

describe('detectImageType', () => {
  it('recognises each accepted format from bytes sharp wrote', async () => {
    const base = sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
    expect(detectImageType(await base.clone().jpeg().toBuffer())).toBe('jpeg')
    expect(detectImageType(await base.clone().png().toBuffer())).toBe('png')
    expect(detectImageType(await base.clone().webp().toBuffer())).toBe('webp')
    expect(detectImageType(await base.clone().gif().toBuffer())).toBe('gif')
    expect(detectImageType(await base.clone().avif().toBuffer())).toBe('avif')
  })

  it('tells HEIC from AVIF by the ftyp brands', () => {
    expect(detectImageType(ftyp('heic', 'mif1', 'heic'))).toBe('heic')
    expect(detectImageType(ftyp('mif1', 'mif1', 'heic'))).toBe('heic')
    expect(detectImageType(ftyp('avif', 'mif1', 'miaf'))).toBe('avif')
    expect(detectImageType(ftyp('mif1', 'avif'))).toBe('avif')
    expect(detectImageType(ftyp('isom', 'mp41'))).toBeNull() // an MP4 video
  })

  it.each([
    ['HTML', '<!doctype html><script>alert(1)</script>'],
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['XML-prefixed SVG', '<?xml version="1.0"?><svg/>'],
    ['TIFF', 'II*\u0000\u0008\u0000\u0000\u0000'],
    ['BMP', 'BM6\u0000\u0000\u0000'],
    ['PDF', '%PDF-1.7'],
    ['empty', ''],
    ['two bytes of JPEG', '\u00ff\u00d8'],
  ])('refuses %s', (_name, content) => {
    expect(detectImageType(Buffer.from(content, 'latin1'))).toBeNull()
  })
})

describe('variantSizes', () => {
  it('gives every size class to a large image and stops at the native size of a small one', () => {
    expect(variantSizes(4000, 3000).map((s) => [s.name, s.longSide, s.native])).toEqual([
      ['320', 320, false],
      ['1080', 1080, false],
      ['2048', 2048, false],
    ])
    expect(variantSizes(600, 900).map((s) => [s.name, s.longSide])).toEqual([
      ['320', 320],
      ['1080', 900],
    ])
    expect(variantSizes(20, 40).map((s) => [s.name, s.longSide])).toEqual([['320', 40]])
    expect(variantSizes(1080, 500).map((s) => [s.name, s.longSide])).toEqual([
      ['320', 320],
      ['1080', 1080],
    ])
  })
})
