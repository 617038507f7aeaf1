import { describe, expect, it } from 'vitest'
import { createProgressBar, formatBytes, renderBar } from './progress.js'

function fakeStream(isTTY: boolean) {
  const writes: string[] = []
  const stream = { isTTY, write: (chunk: string) => writes.push(chunk) > 0 } as unknown as NodeJS.WriteStream
  return { stream, writes }
}

describe('progress bar', () => {
  it('renders the share of bytes sent', () => {
    expect(renderBar(0, 2048)).toBe(`[${'.'.repeat(24)}]   0%  0 B/2.0 KB`)
    expect(renderBar(1024, 2048)).toBe(`[${'#'.repeat(12)}${'.'.repeat(12)}]  50%  1.0 KB/2.0 KB`)
    expect(renderBar(5 * 1024 * 1024, 5 * 1024 * 1024)).toContain('100%  5.0 MB/5.0 MB')
    expect(renderBar(0, 0)).toContain('100%')
    expect(formatBytes(512)).toBe('512 B')
  })

  it('redraws one line in place on a terminal', () => {
    const { stream, writes } = fakeStream(true)
    const bar = createProgressBar(stream, '[1/1] a.jpg', 100)
    bar.update(100)
    bar.finish('ready')
    expect(writes.every((w) => w.startsWith('\r') || w.startsWith('  '))).toBe(true)
    expect(writes.join('')).toMatch(/\r\[1\/1\] a\.jpg \[#+\] 100% .*ready\n$/)
    expect(writes.join('').split('\n')).toHaveLength(2)
  })

  it('writes one plain line per file elsewhere', () => {
    const { stream, writes } = fakeStream(false)
    const bar = createProgressBar(stream, '[2/3] b.jpg', 3000)
    for (let sent = 0; sent <= 3000; sent += 500) bar.update(sent)
    bar.finish('ready')
    expect(writes).toEqual(['[2/3] b.jpg 2.9 KB/2.9 KB sent  ready\n'])
  })
})
