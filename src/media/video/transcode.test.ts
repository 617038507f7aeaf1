import { describe, expect, it } from 'vitest'
import { detectAvContainer } from './detect.js'
import { peaksOf, renditionsFor } from './transcode.js'

describe('renditionsFor', () => {
  it('gives a 1080p source 480p and 1080p, never upscales, and keeps a small clip at its own size', () => {
    expect(renditionsFor(1920, 1080)).toEqual([
      { name: '480p', width: 854, height: 480 },
      { name: '1080p', width: 1920, height: 1080 },
    ])
    // A 4K phone clip held upright: the short side decides, the long side follows.
    expect(renditionsFor(2160, 3840)).toEqual([
      { name: '480p', width: 480, height: 854 },
      { name: '1080p', width: 1080, height: 1920 },
    ])
    expect(renditionsFor(1280, 720)).toEqual([
      { name: '480p', width: 854, height: 480 },
      { name: '1080p', width: 1280, height: 720 },
    ])
    expect(renditionsFor(320, 240)).toEqual([{ name: '480p', width: 320, height: 240 }])
    // Odd sizes become even (H.264 with 4:2:0 chroma needs it).
    expect(renditionsFor(333, 201)).toEqual([{ name: '480p', width: 334, height: 202 }])
  })
})

describe('peaksOf', () => {
  it('keeps the loudest sample of each slice, scaled to 0–100', () => {
    const pcm = Buffer.alloc(8 * 2)
    for (const [i, v] of [100, -200, 0, 0, 50, 50, -400, 10].entries()) pcm.writeInt16LE(v, i * 2)
    expect(peaksOf(pcm, 4)).toEqual([50, 0, 13, 100])
    expect(peaksOf(Buffer.alloc(16), 4)).toEqual([0, 0, 0, 0])
  })
})

describe('detectAvContainer', () => {
  const ftyp = (brand: string) =>
    Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}`), Buffer.alloc(40)])
  it('recognises the containers phones, cameras and browsers write, from their bytes', () => {
    expect(detectAvContainer(ftyp('isom'))).toBe('iso')
    expect(detectAvContainer(ftyp('qt  '))).toBe('iso')
    expect(detectAvContainer(ftyp('M4A '))).toBe('iso')
    expect(detectAvContainer(Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(60)]))).toBe(
      'matroska',
    )
    expect(detectAvContainer(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]))).toBe('ogg')
    expect(
      detectAvContainer(Buffer.concat([Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVE'), Buffer.alloc(60)])),
    ).toBe('wav')
    expect(detectAvContainer(Buffer.concat([Buffer.from('ID3'), Buffer.alloc(60)]))).toBe('mp3')
  })
  it('refuses text, images, HLS playlists and concat scripts whatever their name', () => {
    expect(detectAvContainer(Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\nfile:///etc/passwd\n'))).toBeNull()
    expect(detectAvContainer(Buffer.from("ffconcat version 1.0\nfile '/etc/passwd'\n"))).toBeNull()
    expect(detectAvContainer(ftyp('avif'))).toBeNull()
    expect(detectAvContainer(ftyp('heic'))).toBeNull()
    expect(detectAvContainer(Buffer.from('just some notes from the set'))).toBeNull()
  })
})
