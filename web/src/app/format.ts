import { formatLocale as locale } from './format-locale.js'

// Formatters are made per call with the app's current language (the browser's on public pages): a
// language change shows at the next render, and `Intl` caches its locale data itself.

/** "3 minutes ago", "yesterday"… for post times; the exact time is in the element's title. */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return ''
  const seconds = Math.round((Date.parse(iso) - now) / 1000)
  const abs = Math.abs(seconds)
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' })
  if (abs < 45) return rtf.format(0, 'second')
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour')
  if (abs < 7 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day')
  return new Date(iso).toLocaleDateString(locale())
}

/** Date and time of an instant in the app's language ("7 Dec 2026, 15:00"). */
export function fullTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' }) : ''
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
