import { type ChannelAvatarViewT, productionOf } from '../channels/index.js'
import type { ChannelRow } from '../db/schema.js'
import type { Timeline } from '../production/index.js'
import { blurredImageText, type PublicImage, type PublicPost } from '../reads/index.js'
import { album, body, countsLine, figure, postCard, tagList, when } from './components.js'
import type { PageCounts } from './counts.js'
import { html, type SafeHtml, safeUrl } from './html.js'
import type { MetaImage } from './layout.js'

/** Page bodies. Each takes presented (rule-checked) data only; see reads/pipeline.ts. */

export function channelLinks(origin: string, channel: ChannelRow) {
  const base = `${origin}/c/${encodeURIComponent(channel.slug)}`
  return {
    page: base,
    timeline: `${base}/timeline`,
    rss: `${base}/feed.rss`,
    atom: `${base}/feed.atom`,
    json: `${base}/feed.json`,
  }
}

/** "Series · Season 2 · 8 chapters · filming from 2025-09-01". */
export function productionLine(channel: ChannelRow): string {
  const p = productionOf(channel)
  if (!p) return ''
  const parts = [`${p.kind[0]!.toUpperCase()}${p.kind.slice(1)}: ${p.title}`]
  if (p.season !== null) parts.push(`Season ${p.season}`)
  if (p.chapters.length > 0) parts.push(`${p.chapters.length} ${p.chapterLabel.toLowerCase()}s`)
  if (p.filmingStartsOn) parts.push(`filming from ${p.filmingStartsOn}`)
  return parts.join(' · ')
}

/** `avatar`: shown on the channel page only; the other pages keep the header text-only. */
export function channelHeader(
  origin: string,
  channel: ChannelRow,
  avatar: ChannelAvatarViewT | null = null,
): SafeHtml {
  const links = channelLinks(origin, channel)
  const line = productionLine(channel)
  return html`<header class="channel">
${avatar ? html`<img class="avatar" src="${safeUrl(avatar.url)}" width="${avatar.width}" height="${avatar.height}" alt="${channel.title}">` : ''}
<h1><a href="${safeUrl(links.page)}">${channel.title}</a></h1>
${channel.description ? html`<p>${channel.description}</p>` : ''}
${line ? html`<p class="muted">${line}</p>` : ''}
<nav class="links"><a href="${safeUrl(links.timeline)}">Production timeline</a><a href="${safeUrl(links.rss)}">RSS</a><a href="${safeUrl(links.atom)}">Atom</a><a href="${safeUrl(links.json)}">JSON Feed</a></nav>
</header>`
}

/**
 * What the island (web/src/island, loaded with `defer`) needs, as data-* attributes of <main>: the
 * page kind, the channel, and the channel's event-log position when the page was read, from which
 * the live stream resumes. Escaped like any other value; no inline script.
 */
export interface LivePage {
  view: 'channel' | 'post' | 'image' | 'timeline'
  /** The position the page shows (DESIGN rule 2): a restored database is another history. */
  epoch: string
  seq: number
  isOlder?: boolean
}

function main(channel: ChannelRow, live: LivePage | null): SafeHtml {
  if (!live) return html`<main>`
  return html`<main data-island="${live.view}" data-channel="${channel.slug}" data-epoch="${live.epoch}" data-seq="${live.seq}"${
    live.isOlder ? html` data-older` : ''
  }>`
}

export function channelBody(
  origin: string,
  channel: ChannelRow,
  posts: PublicPost[],
  older: string | null,
  live: LivePage | null = null,
  counts: ReadonlyMap<string, PageCounts> = new Map(),
  avatar: ChannelAvatarViewT | null = null,
) {
  return html`${main(channel, live)}${channelHeader(origin, channel, avatar)}
<div class="posts" data-posts>${
    posts.length === 0
      ? html`<p class="muted" data-empty>Nothing published yet.</p>`
      : posts.map((p) => postCard(p, counts.get(p.id)))
  }</div>
${older ? html`<p><a href="${safeUrl(older)}" rel="next">Older posts</a></p>` : ''}
<footer>Published with Backlot</footer></main>`
}

/** The post of a post page; also what the island fetches to replace it after an edit. */
export function postArticle(
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  reveal: boolean,
  counts?: PageCounts,
) {
  return html`<article class="post" id="p-${post.id}" data-post="${post.id}">
<div class="meta">${post.author.displayName} (@${post.author.handle}) · ${when(post.publishedAt)}${
    post.editedAt ? ' · edited' : ''
  }</div>
${body(post, { revealLink: `${post.url}?reveal=1`, reveal, counts })}
${album(post, { linkImages: true, reveal })}
${tagList(post)}
${countsLine(counts)}
<p class="muted"><a href="${safeUrl(`${origin}/app/c/${encodeURIComponent(channel.slug)}`)}">Open in the app</a></p>
</article>`
}

export function postBody(
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  reveal: boolean,
  live: LivePage | null = null,
  counts?: PageCounts,
) {
  return html`${main(channel, live)}${channelHeader(origin, channel)}
${postArticle(origin, channel, post, reveal, counts)}</main>`
}

export function imageBody(
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  image: PublicImage,
  reveal: boolean,
  live: LivePage | null = null,
) {
  const revealLink = image.isSpoiler && !reveal ? `${post.url}/${image.n}?reveal=1` : null
  return html`${main(channel, live)}${channelHeader(origin, channel)}
<article class="post" data-post="${post.id}">
<div class="meta"><a href="${safeUrl(post.url)}">Photo ${image.n} of ${post.images.length}</a> · ${when(post.publishedAt)}</div>
${figure(post, image, { reveal })}
${image.alt && (!image.isSpoiler || reveal) ? html`<p>${image.alt}</p>` : ''}
${revealLink ? html`<p><a href="${safeUrl(revealLink)}" rel="nofollow">Show the spoiler</a></p>` : ''}
${tagList(post)}
<nav class="links">${image.n > 1 ? html`<a href="${safeUrl(`${post.url}/${image.n - 1}`)}">Previous</a>` : ''}${
    image.n < post.images.length ? html`<a href="${safeUrl(`${post.url}/${image.n + 1}`)}">Next</a>` : ''
  }<a href="${safeUrl(post.url)}">Back to the post</a></nav>
</article></main>`
}

export function timelineBody(
  origin: string,
  channel: ChannelRow,
  timeline: Timeline,
  live: LivePage | null = null,
) {
  const last = timeline.lastChapter
  const weeks = timeline.weeks.map(
    (
      w,
    ) => html`<section class="week${w.postCount === 0 ? ' empty' : ''}" id="${w.week === null ? `d-${w.startsOn}` : `w-${w.week}`}">
<h2>${w.label}${w.startsOn && w.week !== null ? html` <span class="muted">from ${w.startsOn}</span>` : ''}</h2>
${w.chapters.length > 0 ? html`<p>${w.chapters.map((c) => c.name).join(', ')}</p>` : ''}
${w.cover ? html`<img class="cover" src="${safeUrl(w.cover.url)}" width="${w.cover.width}" height="${w.cover.height}" alt="${w.cover.isSpoiler ? 'Spoiler (blurred image)' : w.cover.alt}" loading="lazy">` : ''}
<p class="muted">${w.postCount} post${w.postCount === 1 ? '' : 's'}</p>
${w.posts.length > 0 ? html`<ul>${w.posts.map((p) => html`<li><a href="${safeUrl(p.url)}">${p.title}</a></li>`)}</ul>` : ''}
</section>`,
  )
  return html`${main(channel, live)}${channelHeader(origin, channel)}
<h2>Production timeline</h2>
${last ? html`<p class="last-chapter">${last.label}</p>` : ''}
${timeline.weeks.length === 0 ? html`<p class="muted">Nothing published yet.</p>` : weeks}
</main>`
}

export function digestBody(
  origin: string,
  channel: ChannelRow,
  digest: { title: string; intro: string; rangeLabel: string },
  posts: PublicPost[],
) {
  return html`<main>${channelHeader(origin, channel)}
<h2>${digest.title}</h2><p class="muted">${digest.rangeLabel}</p>
${digest.intro ? html`<p>${digest.intro}</p>` : ''}
${posts.length === 0 ? html`<p class="muted">No posts yet.</p>` : posts.map((p) => postCard(p))}
</main>`
}

export function previewBody(origin: string, channel: ChannelRow, post: PublicPost, status: string) {
  const banner =
    status === 'scheduled' && post.publishAt !== null
      ? html`EMBARGOED UNTIL ${when(post.publishAt)} — do not publish before then`
      : html`EMBARGOED — not yet scheduled; do not publish`
  return html`<div class="banner" role="alert">${banner}</div><main>${channelHeader(origin, channel)}
<article class="post">
<div class="meta">${post.author.displayName} (@${post.author.handle}) · press preview</div>
${body(post)}
${album(post)}
${tagList(post)}
</article></main>`
}

export function embedBody(origin: string, channel: ChannelRow, post: PublicPost) {
  return html`<main><article class="post">
<div class="meta"><a href="${safeUrl(post.url)}" target="_blank" rel="noopener"><strong>${channel.title}</strong></a> · ${post.author.displayName} · ${when(post.publishedAt)}</div>
${body(post, { revealLink: `${post.url}?reveal=1` })}
${album(post, { max: 4, showAlt: true })}
${tagList(post)}
<p class="muted"><a href="${safeUrl(post.url)}" target="_blank" rel="noopener">View on ${new URL(origin).host}</a></p>
</article></main>`
}

/** The heading of an error page: 404, 403 (a ban, for one) or anything else. */
export function errorTitle(status: number): string {
  return status === 404 ? 'Not found' : status === 403 ? 'Not available to you' : 'Something went wrong'
}

export function errorBody(status: number, message: string) {
  return html`<main><h1>${errorTitle(status)}</h1><p>${message}</p></main>`
}

/** The card image of a post: its first image (blurred if a spoiler), with its dimensions and alt. */
export function cardImage(post: PublicPost): MetaImage | null {
  const image = post.images[0]
  if (!image) return null
  const alt = image.isSpoiler ? blurredImageText(image) : image.alt
  return {
    url: image.display.url,
    width: image.display.width,
    height: image.display.height,
    alt,
    type: image.display.type,
  }
}
