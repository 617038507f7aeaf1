import { formatNumber, translator } from '../i18n/index.js'
import { blurredImageText, type PublicImage, type PublicPost, type PublicVoiceNote } from '../reads/index.js'
import type { PageCounts } from './counts.js'
import { html, type SafeHtml, safeUrl, textWithLinks } from './html.js'
import type { PageText } from './text.js'

/**
 * Building blocks shared by the channel, post, timeline, digest, preview and embed pages (and the
 * feeds' item HTML). Each takes the page's text (text.ts): no fixed English of its own.
 */

export function when(text: PageText, ms: number): SafeHtml {
  const iso = new Date(ms).toISOString()
  return html`<time datetime="${iso}">${text.dateTime(ms)}</time>`
}

export function tagList(post: PublicPost): SafeHtml {
  if (post.tagLabels.length === 0) return html``
  return html`<ul class="tags">${post.tagLabels.map((t) => html`<li>${t}</li>`)}</ul>`
}

/**
 * One image: the display file (blurred for a spoiler, with its label), alt text, credit and usage
 * rights; linked to its permalink.
 */
export function figure(
  text: PageText,
  post: PublicPost,
  image: PublicImage,
  options: { link?: string; reveal?: boolean; showAlt?: boolean } = {},
) {
  const file = options.reveal && image.revealed ? image.revealed : image.display
  const isHidden = image.isSpoiler && !(options.reveal && image.revealed)
  // The alt text of a spoiler image may describe the spoiler itself: hidden with the pixels.
  // An image posted without alt text still needs a name: it is often the only content of its link.
  const alt = isHidden
    ? blurredImageText(image, text.language)
    : image.alt || text.t('post.photoNoDescription', { n: image.n, count: post.images.length })
  const img = html`<img src="${safeUrl(file.url)}" width="${file.width}" height="${file.height}" alt="${alt}" loading="lazy">`
  // A video that is not hidden plays in place with the browser's own player, its poster first;
  // never autoplaying with sound. A hidden (spoiler) one stays its blurred poster.
  const video = !isHidden && image.av?.kind === 'video' ? videoPlayer(image, file, alt) : null
  const caption = [
    isHidden
      ? image.spoilerLabel
        ? translator().t(text.language, 'labels:spoilerLabelled', { label: image.spoilerLabel })
        : (post.spoilerNote ?? translator().t(text.language, 'labels:spoiler'))
      : null,
    options.showAlt && !isHidden && image.alt ? image.alt : null,
    image.credit ? `© ${image.credit}` : null,
    image.rights,
  ]
    .filter(Boolean)
    .join(' · ')
  // The island (web/src/island) reveals a blurred image on tap through the API, by its media id.
  const data = isHidden ? html` data-spoiler-media="${image.mediaId}"` : ''
  const shown = video ?? (options.link ? html`<a href="${safeUrl(options.link)}">${img}</a>` : img)
  return html`<figure${data}>${shown}${caption ? html`<figcaption>${caption}</figcaption>` : ''}</figure>`
}

function videoPlayer(
  image: PublicImage,
  poster: { url: string; width: number; height: number },
  label: string,
) {
  const sources = image.av?.sources ?? []
  // Caption tracks (validated WebVTT, issue 20): the browser renders cue text as text, never HTML.
  const tracks = (image.av?.captions ?? []).map(
    (c, i) =>
      html`<track kind="captions" srclang="${c.lang}" label="${c.label}" src="${safeUrl(c.url)}"${i === 0 ? html` default` : ''}>`,
  )
  return html`<video controls playsinline preload="metadata" poster="${safeUrl(poster.url)}" width="${poster.width}" height="${poster.height}" aria-label="${label}">${sources.map(
    (s) => html`<source src="${safeUrl(s.url)}" type="${s.type}">`,
  )}${tracks}</video>`
}

/** A voice note: the browser's audio player (Opus, else AAC for Safari) over its waveform. */
export function voiceNote(text: PageText, note: PublicVoiceNote) {
  const peaks = note.av.waveform ?? []
  const bars = peaks.map(
    (p, i) =>
      html`<rect x="${i * 2}" y="${(100 - Math.max(p, 2)) / 2}" width="1.4" height="${Math.max(p, 2)}"></rect>`,
  )
  const label = note.alt || text.t('post.voiceNote')
  const caption = [note.alt || null, note.credit ? `© ${note.credit}` : null, note.rights]
    .filter(Boolean)
    .join(' · ')
  return html`<figure class="voice"><svg class="waveform" viewBox="0 0 ${peaks.length * 2} 100" preserveAspectRatio="none" aria-hidden="true">${bars}</svg><audio controls preload="metadata" aria-label="${label}">${note.av.sources.map(
    (s) => html`<source src="${safeUrl(s.url)}" type="${s.type}">`,
  )}</audio>${caption ? html`<figcaption>${caption}</figcaption>` : ''}</figure>`
}

export function album(
  text: PageText,
  post: PublicPost,
  options: { linkImages?: boolean; reveal?: boolean; max?: number; showAlt?: boolean } = {},
) {
  const voices = post.voiceNotes.map((note) => voiceNote(text, note))
  if (post.images.length === 0) return html`${voices}`
  const shown = post.images.slice(0, options.max ?? post.images.length)
  return html`${voices}<div class="album${shown.length === 1 ? ' single' : ''}">${shown.map((image) =>
    figure(text, post, image, {
      ...(options.linkImages && { link: `${post.url}/${image.n}` }),
      ...(options.reveal !== undefined && { reveal: options.reveal }),
      ...(options.showAlt !== undefined && { showAlt: options.showAlt }),
    }),
  )}</div>`
}

/** The text, or for a spoiler post its label and note (and a reveal link where allowed). */
export function body(
  text: PageText,
  post: PublicPost,
  options: { revealLink?: string; reveal?: boolean; counts?: PageCounts | undefined } = {},
) {
  if (post.spoiler) {
    const shown =
      options.reveal && post.revealedText !== null
        ? html`<div class="text">${post.revealedText}</div>`
        : options.revealLink
          ? html`<p><a href="${safeUrl(options.revealLink)}" rel="nofollow">${text.t('post.showSpoiler')}</a></p>`
          : ''
    const data = shown && !options.reveal ? html` data-spoiler-post` : ''
    const heading = post.spoiler.label
      ? translator().t(text.language, 'labels:spoilerLabelled', { label: post.spoiler.label })
      : translator().t(text.language, 'labels:spoiler')
    return html`<div class="spoiler"${data}><strong>${heading}</strong>
<p>${post.spoiler.note}</p>${shown}</div>`
  }
  const question = post.question
    ? html`<div class="poll"><strong>${post.question.text}</strong>${
        post.question.options.length > 0
          ? html`<ol>${post.question.options.map((o, i) => html`<li>${o}${optionVotes(text, options.counts, i)}</li>`)}</ol>`
          : ''
      }</div>`
    : ''
  const note = post.spoilerNote
    ? html`<p class="spoiler"><strong>${post.spoilerNote}</strong> ${text.t('post.imagesBlurred')}</p>`
    : ''
  return html`${post.text ? html`<div class="text">${textWithLinks(post.text, post.links)}</div>` : ''}${linkCard(post)}${question}${note}`
}

/**
 * The card of the post's first link (issue 18): everything in it comes from another site, so it is
 * escaped like user text, its link carries rel="noopener nofollow ugc", and its image is the copy
 * re-hosted by this server. The read rules leave `linkPreview` null for a hidden spoiler post.
 */
export function linkCard(post: PublicPost): SafeHtml | '' {
  const card = post.linkPreview
  if (!card) return ''
  const image = card.image
    ? html`<img src="${safeUrl(card.image.url)}" width="${card.image.width}" height="${card.image.height}" alt="" loading="lazy">`
    : ''
  return html`<a class="link-card" href="${safeUrl(card.url)}" rel="noopener nofollow ugc">${image}<span>${
    card.siteName ? html`<span class="site">${card.siteName}</span><br>` : ''
  }${card.title ? html`<strong>${card.title}</strong><br>` : ''}${card.description ?? ''}</span></a>`
}

function optionVotes(text: PageText, counts: PageCounts | undefined, i: number): SafeHtml | '' {
  const votes = counts?.poll?.votes?.[i]
  return votes === undefined
    ? ''
    : html` <span class="votes">(<span data-votes="${i}">${formatNumber(text.language, votes)}</span>)</span>`
}

/** Reactions and votes, each number in an element the island updates from `counts` frames. */
export function countsLine(text: PageText, counts: PageCounts | undefined): SafeHtml | '' {
  if (!counts || (counts.reactions === null && counts.poll === null)) return ''
  // "3 reactions": the island replaces the number and picks the plural form again (text.ts).
  const parts = [
    counts.reactions === null ? null : text.liveCount('reactions', counts.reactions),
    counts.poll === null ? null : text.liveCount('voters', counts.poll.voters),
  ].filter((p) => p !== null)
  return html`<p class="counts">${parts.map((p, i) => (i === 0 ? p : html` · ${p}`))}</p>`
}

/** A post as a card in a list (channel page, timeline, digest); counts only where the page is live. */
export function postCard(text: PageText, post: PublicPost, counts?: PageCounts): SafeHtml {
  return html`<article class="post" id="p-${post.id}" data-post="${post.id}">
<div class="meta"><a href="${safeUrl(post.url)}">${when(text, post.publishedAt)}</a> · ${post.author.displayName}${
    post.isPinned ? ` · ${text.t('post.pinned')}` : ''
  }</div>
${body(text, post, { revealLink: `${post.url}?reveal=1`, counts })}
${album(text, post, { linkImages: true })}
${tagList(post)}
${countsLine(text, counts)}
</article>`
}
