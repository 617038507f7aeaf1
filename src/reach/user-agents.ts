import { isbot } from 'isbot'

/**
 * What reach keeps of a User-Agent: whether it is a bot (isbot's maintained list of crawlers,
 * unfurlers and preview fetchers), and for feed fetches the reader's family and the subscriber count
 * it reports. The User-Agent itself is never stored.
 */

/** A request without a User-Agent is a program, not a person's browser: counted as a bot. */
export function isBotAgent(userAgent: string | undefined): boolean {
  return !userAgent || isbot(userAgent)
}

/**
 * Feed readers by family, first match wins. A hand-written table rather than a library: UA parsers
 * (ua-parser-js, isbot) name browsers and bots, not feed readers; these are the fetchers that
 * announce themselves (and most of them their subscriber counts) in their User-Agent.
 */
const READERS: readonly [family: string, pattern: RegExp][] = [
  ['feedly', /feedly/i],
  ['inoreader', /inoreader/i],
  ['newsblur', /newsblur/i],
  ['feedbin', /feedbin/i],
  ['theoldreader', /theoldreader|the old reader/i],
  ['bazqux', /bazqux/i],
  ['miniflux', /miniflux/i],
  ['freshrss', /freshrss/i],
  ['tiny-tiny-rss', /tiny tiny rss|tt-rss/i],
  ['netnewswire', /netnewswire/i],
  ['reeder', /reeder/i],
  ['newsboat', /newsboat|newsbeuter/i],
  ['feedbro', /feedbro/i],
  ['feeder', /feeder\.co|spacecowboys/i],
  ['bloglovin', /bloglovin/i],
  ['digg', /digg/i],
  ['thunderbird', /thunderbird/i],
  ['readwise', /readwise/i],
  ['fever', /fever/i],
]

/** Larger claims are not believed (the count is self-reported): capped, not dropped. */
export const MAX_REPORTED_SUBSCRIBERS = 10_000_000

export interface FeedReader {
  /** A family from the table, `browser` for a web browser, `other` for anything else. */
  family: string
  /** Subscribers the reader reports for this feed, or 0 when it reports none. */
  subscribers: number
}

/**
 * The common forms readers use: "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers;
 * feed-id=…)", "NewsBlur Feed Fetcher - 42 subscribers - http://…", "Feedbin feed-id:1 - 7
 * subscribers", "Inoreader/1.0 (…; 5 subscribers; )", "… 1,234 readers", "subscribers=12".
 */
const SUBSCRIBERS = /(?<![\d.])(\d[\d,]{0,12})\s+(?:subscribers?|readers?)\b|\bsubscribers?[=:]\s*(\d{1,10})/i

export function feedReader(userAgent: string | undefined): FeedReader {
  const ua = (userAgent ?? '').slice(0, 512)
  const family = READERS.find(([, pattern]) => pattern.test(ua))?.[0] ?? (isBrowser(ua) ? 'browser' : 'other')
  const match = SUBSCRIBERS.exec(ua)
  const raw = match ? Number((match[1] ?? match[2] ?? '0').replaceAll(',', '')) : 0
  const subscribers = Number.isSafeInteger(raw) ? Math.min(raw, MAX_REPORTED_SUBSCRIBERS) : 0
  return { family, subscribers }
}

function isBrowser(ua: string): boolean {
  return ua.startsWith('Mozilla/') && !isbot(ua)
}
