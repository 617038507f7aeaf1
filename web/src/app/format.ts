const rtf = typeof Intl !== 'undefined' ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null

/** "3 minutes ago", "yesterday"… for post times; the exact time is in the element's title. */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return ''
  const seconds = Math.round((Date.parse(iso) - now) / 1000)
  const abs = Math.abs(seconds)
  if (!rtf) return new Date(iso).toLocaleString()
  if (abs < 45) return rtf.format(0, 'second')
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour')
  if (abs < 7 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day')
  return new Date(iso).toLocaleDateString()
}

export function fullTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : ''
}

const pluralRules = new Intl.PluralRules('en')

/**
 * "1 member", "2 members": the form is chosen by Intl.PluralRules (as the later i18n catalogs will,
 * where languages have more than two forms), never by comparing with 1 by hand.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${pluralRules.select(n) === 'one' ? one : many}`
}

/** Splits post text at its server-recognised links (UTF-16 offsets) into text and link parts. */
export function linkParts(
  text: string,
  links: readonly { url: string; start: number; end: number }[],
): ({ text: string } | { text: string; url: string })[] {
  const parts: ({ text: string } | { text: string; url: string })[] = []
  let at = 0
  for (const link of [...links].sort((a, b) => a.start - b.start)) {
    if (link.start < at || link.end > text.length) continue
    if (link.start > at) parts.push({ text: text.slice(at, link.start) })
    parts.push({ text: text.slice(link.start, link.end), url: link.url })
    at = link.end
  }
  if (at < text.length) parts.push({ text: text.slice(at) })
  return parts
}
