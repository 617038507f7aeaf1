/**
 * HTTP range requests on media files (RFC 9110 §14), so a browser's video player can start a clip
 * from its first bytes and seek without downloading the whole file (issue 20).
 *
 * Hand-written because only the single-range forms players send are served (`bytes=a-b`,
 * `bytes=a-`, `bytes=-n`): a multi-range request is answered with the whole file, which the RFC
 * allows, so no multipart/byteranges body (and no library for it) is needed.
 */
import type { ByteRange } from '../media-store/media-store.js'

export type RangeAnswer =
  /** Serve the whole file (no Range, a stale If-Range, a form not served here). */
  | { kind: 'whole' }
  | { kind: 'partial'; range: ByteRange }
  /** 416: no byte of the range is in the file. */
  | { kind: 'unsatisfiable' }

/**
 * What to answer to `range` (the Range header) for a file of `size` bytes with strong ETag `etag`.
 * A Range with an If-Range that is not the current ETag gets the whole file (the client's copy is
 * stale); If-Range dates are never matched, as the ETag is the files' only validator.
 */
export function answerRange(
  range: string | undefined,
  ifRange: string | undefined,
  size: number,
  etag: string,
): RangeAnswer {
  if (range === undefined) return { kind: 'whole' }
  if (ifRange !== undefined && ifRange !== etag) return { kind: 'whole' }
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'whole' }
  const [, first, last] = match
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return { kind: 'whole' } // invalid: ignored (§14.1.1)
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', range: { start, end } }
}
