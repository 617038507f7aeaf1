import { escapeHtml as x } from '../pages/html.js'
import type { FeedModel } from './feed-model.js'

/**
 * Small serializers for the three feed formats, each escaping every value (pages/html.ts
 * `escapeHtml`, which also drops characters XML cannot hold). Written here rather than taken from
 * a package so that escaping and the spoiler-safe attachments are visible in one screen.
 */

const rfc822 = (ms: number) => new Date(ms).toUTCString()
const rfc3339 = (ms: number) => new Date(ms).toISOString()

/** RSS 2.0 (https://www.rssboard.org/rss-specification); one enclosure per item, as readers expect. */
export function toRss(feed: FeedModel): string {
  const items = feed.items.map((item) => {
    const enclosure = item.attachments[0]
    return `<item>
<title>${x(item.title)}</title>
<link>${x(item.url)}</link>
<guid isPermaLink="true">${x(item.id)}</guid>
<pubDate>${rfc822(item.published)}</pubDate>
<dc:creator>${x(item.author.name)}</dc:creator>
<description>${x(item.contentHtml)}</description>
${item.categories.map((c) => `<category>${x(c)}</category>`).join('\n')}
${enclosure ? `<enclosure url="${x(enclosure.url)}" length="${enclosure.bytes}" type="${x(enclosure.type)}"/>` : ''}
</item>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>${x(feed.title)}</title>
<link>${x(feed.homeUrl)}</link>
<description>${x(feed.description)}</description>
<language>${x(feed.language)}</language>
<atom:link href="${x(feed.urls.rss)}" rel="self" type="application/rss+xml"/>
<lastBuildDate>${rfc822(feed.updated)}</lastBuildDate>
<generator>Backlot</generator>
${items.join('\n')}
</channel>
</rss>
`
}

/** Atom (RFC 4287); every image of an album is a rel="enclosure" link. */
export function toAtom(feed: FeedModel): string {
  const entries = feed.items.map(
    (item) => `<entry>
<id>${x(item.id)}</id>
<title type="text">${x(item.title)}</title>
<link rel="alternate" type="text/html" href="${x(item.url)}"/>
<published>${rfc3339(item.published)}</published>
<updated>${rfc3339(item.updated)}</updated>
<author><name>${x(item.author.name)}</name></author>
<summary type="text">${x(item.summary)}</summary>
<content type="html">${x(item.contentHtml)}</content>
${item.categories.map((c) => `<category term="${x(c)}" label="${x(c)}"/>`).join('\n')}
${item.attachments
  .map(
    (a) =>
      `<link rel="enclosure" type="${x(a.type)}" length="${a.bytes}" href="${x(a.url)}" title="${x(a.title)}"/>`,
  )
  .join('\n')}
</entry>`,
  )
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${x(feed.language)}">
<id>${x(feed.homeUrl)}</id>
<title type="text">${x(feed.title)}</title>
<subtitle type="text">${x(feed.description)}</subtitle>
<updated>${rfc3339(feed.updated)}</updated>
<link rel="self" type="application/atom+xml" href="${x(feed.urls.atom)}"/>
<link rel="alternate" type="text/html" href="${x(feed.homeUrl)}"/>
<author><name>${x(feed.title)}</name></author>
<generator>Backlot</generator>
${entries.join('\n')}
</feed>
`
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/); albums as attachments. */
export function toJsonFeed(feed: FeedModel): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.urls.json,
    description: feed.description,
    authors: [{ name: feed.title, url: feed.homeUrl }],
    language: feed.language,
    items: feed.items.map((item) => ({
      id: item.id,
      url: item.url,
      title: item.title,
      content_html: item.contentHtml,
      summary: item.summary,
      date_published: rfc3339(item.published),
      date_modified: rfc3339(item.updated),
      authors: [{ name: item.author.name }],
      tags: item.categories,
      ...(item.image && { image: item.image }),
      attachments: item.attachments.map((a) => ({
        url: a.url,
        mime_type: a.type,
        size_in_bytes: a.bytes,
        title: a.title,
      })),
    })),
  })
}
