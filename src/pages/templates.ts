import { type ChannelAvatarViewT, chaptersCount, productionOf } from '../channels/index.js'
import type { ChannelRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language } from '../i18n/index.js'
import type { Timeline } from '../production/index.js'
import { blurredImageText, type PublicImage, type PublicPost } from '../reads/index.js'
import { album, body, countsLine, figure, postCard, tagList, when } from './components.js'
import type { PageCounts } from './counts.js'
import { html, type SafeHtml, safeUrl } from './html.js'
import type { MetaImage, MetaVideo } from './layout.js'
import { islandText, type PageText } from './text.js'

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

/** "Series: The Show · Season 2 · 8 chapters · filming from Sep 1, 2025". */
export function productionLine(text: PageText, channel: Pick<ChannelRow, 'production'>): string {
  const p = productionOf(channel)
  if (!p) return ''
  const parts = [text.t(`channel.kind.${p.kind}`, { title: p.title })]
  if (p.season !== null) parts.push(text.t('channel.season', { season: p.season }))
  if (p.chapters.length > 0) parts.push(chaptersCount(p, p.chapters.length, text.language))
  if (p.filmingStartsOn) parts.push(text.t('channel.filmingFrom', { date: text.day(p.filmingStartsOn) }))
  return parts.join(' · ')
}

/** The description of a channel's page and feeds when its owner wrote none. */
export function channelDescription(text: PageText, channel: ChannelRow): string {
  return (
    channel.description ||
    productionLine(text, channel) ||
    text.t('channel.updatesFrom', { channel: channel.title })
  )
}

/** `avatar`: shown on the channel page only; the other pages keep the header text-only. */
export function channelHeader(
  text: PageText,
  origin: string,
  channel: ChannelRow,
  avatar: ChannelAvatarViewT | null = null,
): SafeHtml {
  const links = channelLinks(origin, channel)
  const line = productionLine(text, channel)
  return html`<header class="channel">
${avatar ? html`<img class="avatar" src="${safeUrl(avatar.url)}" width="${avatar.width}" height="${avatar.height}" alt="${channel.title}">` : ''}
<h1><a href="${safeUrl(links.page)}">${channel.title}</a></h1>
${channel.description ? html`<p>${channel.description}</p>` : ''}
${line ? html`<p class="muted">${line}</p>` : ''}
<nav class="links"><a href="${safeUrl(links.timeline)}">${text.t('channel.timeline')}</a><a href="${safeUrl(links.rss)}">RSS</a><a href="${safeUrl(links.atom)}">Atom</a><a href="${safeUrl(links.json)}">JSON Feed</a></nav>
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

/**
 * `<main>`, with what the island needs when the page is live: its words in the page's language
 * too (`data-text`: JSON of text.ts `islandText`, escaped as any attribute value — no script
 * element, inline or data, so the CSP and the pages' "no inline script" rule hold).
 */
function main(text: PageText, channel: ChannelRow, live: LivePage | null): SafeHtml {
  if (!live) return html`<main>`
  return html`<main data-island="${live.view}" data-channel="${channel.slug}" data-epoch="${live.epoch}" data-seq="${live.seq}"${
    live.isOlder ? html` data-older` : ''
  } data-text="${JSON.stringify(islandText(text))}">`
}

export function channelBody(
  text: PageText,
  origin: string,
  channel: ChannelRow,
  posts: PublicPost[],
  older: string | null,
  live: LivePage | null = null,
  counts: ReadonlyMap<string, PageCounts> = new Map(),
  avatar: ChannelAvatarViewT | null = null,
) {
  return html`${main(text, channel, live)}${channelHeader(text, origin, channel, avatar)}
<div class="posts" data-posts>${
    posts.length === 0
      ? html`<p class="muted" data-empty>${text.t('channel.nothingYet')}</p>`
      : posts.map((p) => postCard(text, p, counts.get(p.id)))
  }</div>
${older ? html`<p><a href="${safeUrl(older)}" rel="next">${text.t('channel.olderPosts')}</a></p>` : ''}
<footer>${text.t('channel.publishedWith')}</footer></main>`
}

/** The post of a post page; also what the island fetches to replace it after an edit. */
export function postArticle(
  text: PageText,
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  reveal: boolean,
  counts?: PageCounts,
) {
  return html`<article class="post" id="p-${post.id}" data-post="${post.id}">
<div class="meta">${post.author.displayName} (@${post.author.handle}) · ${when(text, post.publishedAt)}${
    post.editedAt ? ` · ${text.t('post.edited')}` : ''
  }</div>
${body(text, post, { revealLink: `${post.url}?reveal=1`, reveal, counts })}
${album(text, post, { linkImages: true, reveal })}
${tagList(post)}
${countsLine(text, counts)}
<p class="muted"><a href="${safeUrl(`${origin}/app/c/${encodeURIComponent(channel.slug)}`)}">${text.t('post.openInApp')}</a></p>
</article>`
}

export function postBody(
  text: PageText,
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  reveal: boolean,
  live: LivePage | null = null,
  counts?: PageCounts,
) {
  return html`${main(text, channel, live)}${channelHeader(text, origin, channel)}
${postArticle(text, origin, channel, post, reveal, counts)}</main>`
}

export function imageBody(
  text: PageText,
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  image: PublicImage,
  reveal: boolean,
  live: LivePage | null = null,
) {
  const revealLink = image.isSpoiler && !reveal ? `${post.url}/${image.n}?reveal=1` : null
  const photo = text.t('post.photoOf', { n: image.n, count: post.images.length })
  return html`${main(text, channel, live)}${channelHeader(text, origin, channel)}
<article class="post" data-post="${post.id}">
<div class="meta"><a href="${safeUrl(post.url)}">${photo}</a> · ${when(text, post.publishedAt)}</div>
${figure(text, post, image, { reveal })}
${image.alt && (!image.isSpoiler || reveal) ? html`<p>${image.alt}</p>` : ''}
${revealLink ? html`<p><a href="${safeUrl(revealLink)}" rel="nofollow">${text.t('post.showSpoiler')}</a></p>` : ''}
${tagList(post)}
<nav class="links">${image.n > 1 ? html`<a href="${safeUrl(`${post.url}/${image.n - 1}`)}">${text.t('post.previous')}</a>` : ''}${
    image.n < post.images.length
      ? html`<a href="${safeUrl(`${post.url}/${image.n + 1}`)}">${text.t('post.next')}</a>`
      : ''
  }<a href="${safeUrl(post.url)}">${text.t('post.backToPost')}</a></nav>
</article></main>`
}

export function timelineBody(
  text: PageText,
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
<h2>${w.label}${w.startsOn && w.week !== null ? html` <span class="muted">${text.t('timeline.from', { date: text.day(w.startsOn) })}</span>` : ''}</h2>
${w.chapters.length > 0 ? html`<p>${w.chapters.map((c) => c.name).join(', ')}</p>` : ''}
${w.cover ? html`<img class="cover" src="${safeUrl(w.cover.url)}" width="${w.cover.width}" height="${w.cover.height}" alt="${w.cover.alt}" loading="lazy">` : ''}
<p class="muted">${text.t('timeline.posts', { count: w.postCount })}</p>
${w.posts.length > 0 ? html`<ul>${w.posts.map((p) => html`<li><a href="${safeUrl(p.url)}">${p.title}</a></li>`)}</ul>` : ''}
</section>`,
  )
  return html`${main(text, channel, live)}${channelHeader(text, origin, channel)}
<h2>${text.t('channel.timeline')}</h2>
${last ? html`<p class="last-chapter">${last.label}</p>` : ''}
${timeline.weeks.length === 0 ? html`<p class="muted">${text.t('channel.nothingYet')}</p>` : weeks}
</main>`
}

export function digestBody(
  text: PageText,
  origin: string,
  channel: ChannelRow,
  digest: { title: string; intro: string; rangeLabel: string },
  posts: PublicPost[],
) {
  return html`<main>${channelHeader(text, origin, channel)}
<h2>${digest.title}</h2><p class="muted">${digest.rangeLabel}</p>
${digest.intro ? html`<p>${digest.intro}</p>` : ''}
${posts.length === 0 ? html`<p class="muted">${text.t('digest.noPosts')}</p>` : posts.map((p) => postCard(text, p))}
</main>`
}

export function previewBody(
  text: PageText,
  origin: string,
  channel: ChannelRow,
  post: PublicPost,
  status: string,
) {
  const banner =
    status === 'scheduled' && post.publishAt !== null
      ? text.t('preview.embargoedUntil', { date: text.dateTime(post.publishAt) })
      : text.t('preview.embargoedUnscheduled')
  return html`<div class="banner" role="alert">${banner}</div><main>${channelHeader(text, origin, channel)}
<article class="post">
<div class="meta">${post.author.displayName} (@${post.author.handle}) · ${text.t('preview.pressPreview')}</div>
${body(text, post)}
${album(text, post)}
${tagList(post)}
</article></main>`
}

export function embedBody(text: PageText, origin: string, channel: ChannelRow, post: PublicPost) {
  return html`<main><article class="post">
<div class="meta"><a href="${safeUrl(post.url)}" target="_blank" rel="noopener"><strong>${channel.title}</strong></a> · ${post.author.displayName} · ${when(text, post.publishedAt)}</div>
${body(text, post, { revealLink: `${post.url}?reveal=1` })}
${album(text, post, { max: 4, showAlt: true })}
${tagList(post)}
<p class="muted"><a href="${safeUrl(post.url)}" target="_blank" rel="noopener">${text.t('post.viewOn', { host: new URL(origin).host })}</a></p>
</article></main>`
}

/** The heading of an error page: 404, 403 (a ban, for one) or anything else. */
export function errorTitle(text: PageText, status: number): string {
  return text.t(status === 404 ? 'error.notFound' : status === 403 ? 'error.forbidden' : 'error.failed')
}

export function errorBody(text: PageText, status: number, message: string) {
  return html`<main><h1>${errorTitle(text, status)}</h1><p>${message}</p></main>`
}

/** The card image of a post: its first image (blurred if a spoiler), with its dimensions and alt. */
/** The first video of a post for `og:video`, its largest rendition; never a spoiler's. */
export function cardVideo(post: PublicPost): MetaVideo | null {
  const video = post.images.find((i) => !i.isSpoiler && i.av?.kind === 'video')
  const source = video?.av?.sources.at(-1)
  return source ? { url: source.url, width: source.width, height: source.height, type: source.type } : null
}

export function cardImage(post: PublicPost, language: Language = DEFAULT_LANGUAGE): MetaImage | null {
  const image = post.images[0]
  if (!image) return null
  const alt = image.isSpoiler ? blurredImageText(image, language) : image.alt
  return {
    url: image.display.url,
    width: image.display.width,
    height: image.display.height,
    alt,
    type: image.display.type,
  }
}
