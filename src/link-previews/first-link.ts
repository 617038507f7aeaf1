import { findLinks } from '../posts/index.js'

/** Longest URL previewed; longer ones are almost always tracking links. */
export const URL_MAX = 2048

/**
 * The URL a post previews: its first link, like Telegram, without its fragment (never sent, and
 * two links differing only there show the same page). Null when the text has none.
 */
export function firstLinkOf(text: string): string | null {
  const first = findLinks(text)[0]
  if (!first) return null
  try {
    const url = new URL(first.url)
    url.hash = ''
    return url.href.length <= URL_MAX ? url.href : null
  } catch {
    return null
  }
}
