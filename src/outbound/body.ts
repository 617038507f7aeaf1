import { pipeline, type Readable, type Transform } from 'node:stream'
import zlib from 'node:zlib'
import { OutboundError } from './errors.js'

/** The Accept-Encoding the client sends: exactly what `decoderFor` can undo. */
export const ACCEPT_ENCODING = 'gzip, deflate, br'

function decoderFor(contentEncoding: string | undefined): Transform | null {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase()
  switch (encoding) {
    case '':
    case 'identity':
      return null
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip()
    case 'deflate':
      return zlib.createInflate()
    case 'br':
      return zlib.createBrotliDecompress()
    default:
      // Stacked encodings ("gzip, br") are legal but unseen in practice; one decoder per hop keeps
      // the size count simple.
      throw new OutboundError('encoding-unsupported', `Content-Encoding ${encoding} is not supported`)
  }
}

/**
 * The response body, decoded, as chunks, counting DECODED bytes: a 10 kB gzip bomb that inflates
 * to gigabytes fails at `maxBytes`, having inflated at most one zlib chunk (16 kB) past it. The
 * raw stream and the decoder are destroyed when the caller stops early, fails or finishes.
 */
export async function* decodedBody(
  raw: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
  mapError: (error: unknown) => OutboundError,
): AsyncGenerator<Buffer> {
  let decoder: Transform | null = null
  try {
    decoder = decoderFor(contentEncoding)
    const source: Readable = decoder ? pipeline(raw, decoder, () => {}) : raw
    let total = 0
    for await (const chunk of source) {
      const bytes = chunk as Buffer
      total += bytes.length
      if (total > maxBytes) throw new OutboundError('body-too-large', `body larger than ${maxBytes} bytes`)
      yield bytes
    }
  } catch (error) {
    throw mapError(error)
  } finally {
    decoder?.destroy()
    discard(raw)
  }
}

/** Destroys a body nobody reads any more; undici then emits an abort error nobody needs to hear. */
export function discard(raw: Readable): void {
  if (raw.listenerCount('error') === 0) raw.on('error', () => {})
  raw.destroy()
}
