import type { ChannelRow } from '../db/schema.js'
import { album, body, tagList } from '../pages/components.js'
import { html } from '../pages/html.js'
import { channelDescription, channelLinks } from '../pages/templates.js'
import type { PageText } from '../pages/text.js'
import { blurredImageText, type ImageFile, type PublicPost } from '../reads/index.js'

/**
 * One model of a channel feed, serialised three ways (rss.ts, atom.ts, json-feed.ts). Items are
 * PublicPosts (rule-checked: no embargoed post, spoilers replaced by label and blurred images) and
 * digests. Attachments of a spoiler image are its blurred rendering.
 */
export interface FeedItem {
  id: string
  url: string
  title: string
  summary: string
  /** HTML of the item, escaped by construction (pages/html.ts). */
  contentHtml: string
  published: number
  updated: number
  author: { name: string; url: string | null }
  categories: string[]
  attachments: (ImageFile & { title: string })[]
  /** The first image (a video's poster): JSON Feed's `image`. */
  image: string | null
}

export interface FeedModel {
  /** The language of the words Backlot wrote (labels, titles it made): RSS `<language>`, `xml:lang`. */
  language: string
  title: string
  description: string
  homeUrl: string
  urls: { rss: string; atom: string; json: string }
  /** Latest change of anything in the feed (Last-Modified). */
  updated: number
  items: FeedItem[]
}

export interface DigestItem {
  id: string
  url: string
  title: string
  intro: string
  rangeLabel: string
  createdAt: number
  updatedAt: number
  posts: PublicPost[]
}

export function postItem(text: PageText, post: PublicPost): FeedItem {
  const content = html`${body(text, post, { revealLink: `${post.url}?reveal=1` })}${album(text, post)}${tagList(post)}`
  return {
    id: post.url,
    url: post.url,
    title: post.title,
    summary: post.summary,
    contentHtml: content.value,
    published: post.publishedAt,
    updated: post.editedAt ?? post.publishedAt,
    author: { name: post.author.displayName, url: null },
    categories: post.tagLabels,
    attachments: [
      ...post.images.map((i) => ({
        // A video's enclosure is its largest rendition (never a spoiler's: its `av` is null).
        ...(i.av?.sources.at(-1) ?? i.display),
        title: i.isSpoiler ? blurredImageText(i, text.language) : i.alt,
      })),
      // AAC (M4A): what podcast apps and every feed reader's player take.
      ...post.voiceNotes.flatMap((v) => {
        const aac = v.av.sources.find((s) => s.type === 'audio/mp4')
        return aac ? [{ ...aac, title: v.alt }] : []
      }),
    ],
    image: post.images[0]?.display.url ?? null,
  }
}

export function digestItem(text: PageText, digest: DigestItem): FeedItem {
  const content = html`${digest.intro ? html`<p>${digest.intro}</p>` : ''}<ul>${digest.posts.map(
    (p) => html`<li><a href="${p.url}">${p.title}</a></li>`,
  )}</ul>`
  return {
    id: digest.url,
    url: digest.url,
    title: `${digest.title} (${digest.rangeLabel})`,
    summary: digest.intro || text.t('digest.highlights', { count: digest.posts.length }),
    contentHtml: content.value,
    published: digest.createdAt,
    updated: digest.updatedAt,
    author: { name: text.t('digest.author'), url: null },
    categories: [text.t('digest.author'), digest.rangeLabel],
    attachments: [],
    image: null,
  }
}

export function feedModel(text: PageText, origin: string, channel: ChannelRow, items: FeedItem[]): FeedModel {
  const links = channelLinks(origin, channel)
  const sorted = [...items].sort((a, b) => b.published - a.published || b.id.localeCompare(a.id))
  return {
    language: text.language,
    title: channel.title,
    description: channelDescription(text, channel),
    homeUrl: links.page,
    urls: { rss: links.rss, atom: links.atom, json: links.json },
    updated: Math.max(channel.updated_at, ...sorted.map((i) => i.updated)),
    items: sorted,
  }
}
