/**
 * Link recognition for plain-text posts. The text itself is never rewritten: a post's text is
 * returned exactly as written and every client escapes it; links are reported beside it as
 * ranges, so a client can wrap those ranges in anchors without parsing the text again.
 *
 * Recognised: `http://…` and `https://…` URLs, and bare `www.example.org…` domains (linked as
 * https). Nothing else — `javascript:`, `data:`, `mailto:` and friends never become links.
 * Offsets are UTF-16 code units (JavaScript string indices), `end` exclusive.
 */
export interface LinkSpan {
  /** The href: the URL as written, or `https://` + the text for a bare www. domain. */
  url: string
  start: number
  end: number
}

// A candidate starts with a scheme or www. that is not glued to a preceding word, address or
// other scheme (so `xhttp://`, `user@www.x` and `javascript:http://x` are not links), and runs
// until whitespace or a character that cannot appear unescaped in a URL written in prose.
const CANDIDATE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters end a URL
  /(?<![\p{L}\p{N}_@.:/\\-])(?:https?:\/\/|www\.)[^\s<>"`{}|\\^\u0000-\u001F\u007F-\u009F]+/giu

// Punctuation that ends a sentence or a quotation rather than the URL.
const TRAILING = new Set(['.', ',', '!', '?', ';', ':', "'", '*', '~'])
const CLOSERS: Record<string, string> = { ')': '(', ']': '[' }

/** Finds the links in `text`, in order of appearance, with their UTF-16 offsets. */
export function findLinks(text: string): LinkSpan[] {
  const links: LinkSpan[] = []
  for (const match of text.matchAll(CANDIDATE)) {
    const raw = trimTrailing(match[0])
    const url = toHref(raw)
    if (url === null) continue
    links.push({ url, start: match.index, end: match.index + raw.length })
  }
  return links
}

/** Drops trailing punctuation, and closing brackets that have no opening partner inside the URL. */
function trimTrailing(candidate: string): string {
  let end = candidate.length
  while (end > 0) {
    const last = candidate[end - 1]!
    if (TRAILING.has(last)) {
      end--
      continue
    }
    const opener = CLOSERS[last]
    if (opener !== undefined && count(candidate, opener, end) < count(candidate, last, end)) {
      end--
      continue
    }
    break
  }
  return candidate.slice(0, end)
}

function count(text: string, char: string, end: number): number {
  let n = 0
  for (let i = 0; i < end; i++) if (text[i] === char) n++
  return n
}

/** The href for a candidate, or null when it has no usable host (`https://`, `www.` alone…). */
function toHref(raw: string): string | null {
  const isBare = /^www\./i.test(raw)
  const href = isBare ? `https://${raw}` : raw
  const rest = href.slice(href.indexOf('://') + 3)
  const host = /^[^/?#]*/.exec(rest)![0]
  if (host === '' || host.startsWith('@') || host.includes('..')) return null
  if (isBare && !/^www\.[^.:]+\.[^.:]/i.test(host)) return null
  try {
    const parsed = new URL(href)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null
    if (parsed.hostname === '') return null
  } catch {
    return null
  }
  return href
}
