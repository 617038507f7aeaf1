import { TextDecoder } from 'node:util'
import type { Logger } from '../logger.js'
import { type OutboundClient, OutboundError, type OutboundResponse } from '../outbound/index.js'
import { createHeadParser, type PageCard } from './head-parser.js'

/** Bytes of a page read for its head: OpenGraph tags sit in the first few kB of real pages. */
export const PAGE_MAX_BYTES = 512 * 1024

export interface FetchedCard {
  card: PageCard
  /** The page's URL after redirects: relative image URLs resolve against it. */
  pageUrl: URL
}

/**
 * Reads a page's head through the outbound client, streaming, and stops at </head> (or <body>) or
 * PAGE_MAX_BYTES — a page that is all head gives what was parsed by then. Null when the answer is
 * not an HTML page (a PDF, an image, a 404) or cannot be fetched.
 */
export async function fetchCard(
  outbound: OutboundClient,
  url: string,
  logger: Logger,
): Promise<FetchedCard | null> {
  let response: OutboundResponse | undefined
  try {
    response = await outbound.request({
      url,
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' },
      maxBodyBytes: PAGE_MAX_BYTES,
    })
    const type = header(response, 'content-type')
    if (response.status !== 200 || !/^\s*(text\/html|application\/xhtml\+xml)/i.test(type)) return null
    const parser = createHeadParser()
    const decoder = textDecoder(type)
    try {
      for await (const chunk of response.body) {
        parser.write(decoder.decode(chunk, { stream: true }))
        if (parser.isDone) break
      }
    } catch (error) {
      // The cap reached before </head>: what was parsed is the card.
      if (!(error instanceof OutboundError && error.code === 'body-too-large')) throw error
    }
    return { card: parser.card(), pageUrl: response.url }
  } catch (error) {
    logger.debug({ url, err: error }, 'link preview: page not fetched')
    return null
  } finally {
    response?.cancel()
  }
}

/** The image at `url`, at most `maxBytes`, or null when it is not an image or cannot be fetched. */
export async function fetchImage(
  outbound: OutboundClient,
  url: string,
  maxBytes: number,
  logger: Logger,
): Promise<Buffer | null> {
  let response: OutboundResponse | undefined
  try {
    response = await outbound.request({ url, headers: { accept: 'image/*' }, maxBodyBytes: maxBytes })
    if (response.status !== 200 || !/^\s*image\//i.test(header(response, 'content-type'))) return null
    return await response.bytes()
  } catch (error) {
    logger.debug({ url, err: error }, 'link preview: image not fetched')
    return null
  } finally {
    response?.cancel()
  }
}

function header(response: OutboundResponse, name: string): string {
  const value = response.headers[name]
  return (Array.isArray(value) ? value[0] : value) ?? ''
}

/** The page's declared charset when TextDecoder knows it, else UTF-8 (the web's default now). */
function textDecoder(contentType: string): TextDecoder {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1]
  try {
    return new TextDecoder(charset ?? 'utf-8')
  } catch {
    return new TextDecoder('utf-8')
  }
}
