import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { parseWorkerCount } from './workers.js'

describe('serve --workers', () => {
  it('reads a count, "auto" (one per core), and defaults to one process', () => {
    expect(parseWorkerCount(undefined)).toBe(1)
    expect(parseWorkerCount('3')).toBe(3)
    expect(parseWorkerCount('auto')).toBe(Math.min(64, os.availableParallelism()))
  })

  it.each(['0', '-1', '2.5', 'two', '65', ''])('refuses %j with one clear line', (raw) => {
    expect(() => parseWorkerCount(raw)).toThrow(/^--workers must be a whole number from 1 to 64, or "auto"/)
  })
})
