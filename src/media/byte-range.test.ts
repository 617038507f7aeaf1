import { describe, expect, it } from 'vitest'
import { answerRange } from './byte-range.js'

const etag = '"abc"'

describe('answerRange', () => {
  it('serves the first bytes, an open-ended range and a suffix', () => {
    expect(answerRange('bytes=0-99', undefined, 1000, etag)).toEqual({
      kind: 'partial',
      range: { start: 0, end: 99 },
    })
    expect(answerRange('bytes=900-', undefined, 1000, etag)).toEqual({
      kind: 'partial',
      range: { start: 900, end: 999 },
    })
    expect(answerRange('bytes=-100', undefined, 1000, etag)).toEqual({
      kind: 'partial',
      range: { start: 900, end: 999 },
    })
    expect(answerRange('bytes=-5000', undefined, 1000, etag)).toEqual({
      kind: 'partial',
      range: { start: 0, end: 999 },
    })
    // An end past the file is cut to the file.
    expect(answerRange('bytes=500-5000', undefined, 1000, etag)).toEqual({
      kind: 'partial',
      range: { start: 500, end: 999 },
    })
  })

  it('answers 416 for a range that starts after the file', () => {
    expect(answerRange('bytes=1000-', undefined, 1000, etag)).toEqual({ kind: 'unsatisfiable' })
    expect(answerRange('bytes=-0', undefined, 1000, etag)).toEqual({ kind: 'unsatisfiable' })
  })

  it('serves the whole file without a Range, for a stale If-Range, and for forms it does not serve', () => {
    expect(answerRange(undefined, undefined, 1000, etag)).toEqual({ kind: 'whole' })
    expect(answerRange('bytes=0-9', '"old"', 1000, etag)).toEqual({ kind: 'whole' })
    expect(answerRange('bytes=0-9', etag, 1000, etag)).toEqual({
      kind: 'partial',
      range: { start: 0, end: 9 },
    })
    expect(answerRange('bytes=0-9,20-29', undefined, 1000, etag)).toEqual({ kind: 'whole' })
    expect(answerRange('items=0-9', undefined, 1000, etag)).toEqual({ kind: 'whole' })
    expect(answerRange('bytes=9-0', undefined, 1000, etag)).toEqual({ kind: 'whole' })
    expect(answerRange('bytes=-', undefined, 1000, etag)).toEqual({ kind: 'whole' })
  })
})
