import type { Language } from '../i18n/index.js'
import type { PageAssets } from './assets.js'
import { html, type SafeHtml, safeUrl } from './html.js'

export interface MetaImage {
  url: string
  width: number
  height: number
  alt: string
  type: string
}

/** A playable video for OpenGraph (issue 20): never a spoiler's. */
export interface MetaVideo {
  url: string
  width: number
  height: number
  type: string
}

/** What a page tells browsers, search engines and link unfurlers about itself. */
export interface PageMeta {
  /** The page's language: `<html lang>` (and the route's Content-Language). */
  language: Language
  title: string
  description: string
  canonical: string
  isIndexable: boolean
  siteName: string
  ogType: 'website' | 'article'
  image: MetaImage | null
  /** `og:video`: the post's first video, unless it is a spoiler. */
  video?: MetaVideo | null
  publishedAt?: number
  feeds: { rss: string; atom: string; json: string; title: string } | null
  oembed: string | null
}

/** OpenGraph wants a territory: the one each language's readers most often share from. */
const OG_LOCALES: Record<Language, string> = { en: 'en_US', es: 'es_ES' }

/**
 * OpenGraph and Twitter card tags. The image is whatever the caller chose from a PublicPost, which
 * for a spoiler is the blurred rendering: no unblurred spoiler pixel reaches a card.
 */
function metaTags(meta: PageMeta): SafeHtml {
  const image = meta.image
  return html`
<meta property="og:site_name" content="${meta.siteName}">
<meta property="og:locale" content="${OG_LOCALES[meta.language]}">
<meta property="og:type" content="${meta.ogType}">
<meta property="og:title" content="${meta.title}">
<meta property="og:description" content="${meta.description}">
<meta property="og:url" content="${safeUrl(meta.canonical)}">
${
  image
    ? html`<meta property="og:image" content="${safeUrl(image.url)}">
<meta property="og:image:type" content="${image.type}">
<meta property="og:image:width" content="${image.width}">
<meta property="og:image:height" content="${image.height}">
<meta property="og:image:alt" content="${image.alt}">
<meta name="twitter:image" content="${safeUrl(image.url)}">
<meta name="twitter:image:alt" content="${image.alt}">`
    : ''
}
${
  meta.video
    ? html`<meta property="og:video" content="${safeUrl(meta.video.url)}">
<meta property="og:video:type" content="${meta.video.type}">
<meta property="og:video:width" content="${meta.video.width}">
<meta property="og:video:height" content="${meta.video.height}">`
    : ''
}
${meta.publishedAt ? html`<meta property="article:published_time" content="${new Date(meta.publishedAt).toISOString()}">` : ''}
<meta name="twitter:card" content="${image ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${meta.title}">
<meta name="twitter:description" content="${meta.description}">`
}

function discovery(meta: PageMeta): SafeHtml {
  const feeds = meta.feeds
  return html`${
    feeds
      ? html`
<link rel="alternate" type="application/rss+xml" title="${feeds.title} (RSS)" href="${safeUrl(feeds.rss)}">
<link rel="alternate" type="application/atom+xml" title="${feeds.title} (Atom)" href="${safeUrl(feeds.atom)}">
<link rel="alternate" type="application/feed+json" title="${feeds.title} (JSON Feed)" href="${safeUrl(feeds.json)}">`
      : ''
  }${
    meta.oembed
      ? html`
<link rel="alternate" type="application/json+oembed" href="${safeUrl(meta.oembed)}" title="${meta.title}">`
      : ''
  }`
}

/** A whole HTML document: head with meta, then the body. */
export function document(
  meta: PageMeta,
  assets: PageAssets,
  body: SafeHtml,
  options: { bodyClass?: string; bodyData?: string; scripts?: string[] } = {},
): string {
  return html`<!doctype html>
<html lang="${meta.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${meta.title}</title>
<meta name="description" content="${meta.description}">
<meta name="robots" content="${meta.isIndexable ? 'index, follow' : 'noindex, nofollow'}">
<link rel="canonical" href="${safeUrl(meta.canonical)}">
${metaTags(meta)}${discovery(meta)}
<link rel="stylesheet" href="${assets.css.path}">
</head>
<body class="${options.bodyClass ?? ''}" data-post="${options.bodyData ?? ''}">
${body}
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>
`.value
}

/** The HTTP Link header equivalent of the head's discovery links. */
export function linkHeader(meta: PageMeta): string | null {
  const links: string[] = [`<${meta.canonical}>; rel="canonical"`]
  if (meta.feeds) {
    links.push(`<${meta.feeds.rss}>; rel="alternate"; type="application/rss+xml"`)
    links.push(`<${meta.feeds.atom}>; rel="alternate"; type="application/atom+xml"`)
    links.push(`<${meta.feeds.json}>; rel="alternate"; type="application/feed+json"`)
  }
  if (meta.oembed) links.push(`<${meta.oembed}>; rel="alternate"; type="application/json+oembed"`)
  return links.join(', ')
}
