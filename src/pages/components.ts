import { blurredImageText, type PublicImage, type PublicPost } from '../reads/index.js'
import type { PageCounts } from './counts.js'
import { html, type SafeHtml, safeUrl, textWithLinks } from './html.js'

/** Building blocks shared by the channel, post, timeline, digest, preview and embed pages. */

export function when(ms: number): SafeHtml {
  const iso = new Date(ms).toISOString()
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`
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
  post: PublicPost,
  image: PublicImage,
  options: { link?: string; reveal?: boolean; showAlt?: boolean } = {},
) {
  const file = options.reveal && image.revealed ? image.revealed : image.display
  const isHidden = image.isSpoiler && !(options.reveal && image.revealed)
  // The alt text of a spoiler image may describe the spoiler itself: hidden with the pixels.
  // An image posted without alt text still needs a name: it is often the only content of its link.
  const alt = isHidden
    ? blurredImageText(image)
    : image.alt || `Photo ${image.n} of ${post.images.length} (no description)`
  const img = html`<img src="${safeUrl(file.url)}" width="${file.width}" height="${file.height}" alt="${alt}" loading="lazy">`
  const caption = [
    isHidden
      ? image.spoilerLabel
        ? `Spoiler: ${image.spoilerLabel}`
        : (post.spoilerNote ?? 'Spoiler')
      : null,
    options.showAlt && !isHidden && image.alt ? image.alt : null,
    image.credit ? `© ${image.credit}` : null,
    image.rights,
  ]
    .filter(Boolean)
    .join(' · ')
  // The island (web/src/island) reveals a blurred image on tap through the API, by its media id.
  const data = isHidden ? html` data-spoiler-media="${image.mediaId}"` : ''
  return html`<figure${data}>${options.link ? html`<a href="${safeUrl(options.link)}">${img}</a>` : img}${
    caption ? html`<figcaption>${caption}</figcaption>` : ''
  }</figure>`
}

export function album(
  post: PublicPost,
  options: { linkImages?: boolean; reveal?: boolean; max?: number; showAlt?: boolean } = {},
) {
  if (post.images.length === 0) return html``
  const shown = post.images.slice(0, options.max ?? post.images.length)
  return html`<div class="album${shown.length === 1 ? ' single' : ''}">${shown.map((image) =>
    figure(post, image, {
      ...(options.linkImages && { link: `${post.url}/${image.n}` }),
      ...(options.reveal !== undefined && { reveal: options.reveal }),
      ...(options.showAlt !== undefined && { showAlt: options.showAlt }),
    }),
  )}</div>`
}

/** The text, or for a spoiler post its label and note (and a reveal link where allowed). */
export function body(
  post: PublicPost,
  options: { revealLink?: string; reveal?: boolean; counts?: PageCounts | undefined } = {},
) {
  if (post.spoiler) {
    const shown =
      options.reveal && post.revealedText !== null
        ? html`<div class="text">${post.revealedText}</div>`
        : options.revealLink
          ? html`<p><a href="${safeUrl(options.revealLink)}" rel="nofollow">Show the spoiler</a></p>`
          : ''
    const data = shown && !options.reveal ? html` data-spoiler-post` : ''
    return html`<div class="spoiler"${data}><strong>Spoiler${post.spoiler.label ? html`: ${post.spoiler.label}` : ''}</strong>
<p>${post.spoiler.note}</p>${shown}</div>`
  }
  const question = post.question
    ? html`<div class="poll"><strong>${post.question.text}</strong>${
        post.question.options.length > 0
          ? html`<ol>${post.question.options.map((o, i) => html`<li>${o}${optionVotes(options.counts, i)}</li>`)}</ol>`
          : ''
      }</div>`
    : ''
  const note = post.spoilerNote
    ? html`<p class="spoiler"><strong>${post.spoilerNote}</strong> (images blurred)</p>`
    : ''
  return html`${post.text ? html`<div class="text">${textWithLinks(post.text, post.links)}</div>` : ''}${question}${note}`
}

function optionVotes(counts: PageCounts | undefined, i: number): SafeHtml | '' {
  const votes = counts?.poll?.votes?.[i]
  return votes === undefined
    ? ''
    : html` <span class="votes">(<span data-votes="${i}">${votes}</span>)</span>`
}

/** Reactions and votes, each number in an element the island updates from `counts` frames. */
export function countsLine(counts: PageCounts | undefined): SafeHtml | '' {
  if (!counts || (counts.reactions === null && counts.poll === null)) return ''
  // Label first, so a live update changes only the number.
  const parts = [
    counts.reactions === null ? null : html`Reactions: <span data-reactions>${counts.reactions}</span>`,
    counts.poll === null ? null : html`Voters: <span data-voters>${counts.poll.voters}</span>`,
  ].filter((p) => p !== null)
  return html`<p class="counts">${parts.map((p, i) => (i === 0 ? p : html` · ${p}`))}</p>`
}

/** A post as a card in a list (channel page, timeline, digest); counts only where the page is live. */
export function postCard(post: PublicPost, counts?: PageCounts): SafeHtml {
  return html`<article class="post" id="p-${post.id}" data-post="${post.id}">
<div class="meta"><a href="${safeUrl(post.url)}">${when(post.publishedAt)}</a> · ${post.author.displayName}${
    post.isPinned ? ' · pinned' : ''
  }</div>
${body(post, { revealLink: `${post.url}?reveal=1`, counts })}
${album(post, { linkImages: true })}
${tagList(post)}
${countsLine(counts)}
</article>`
}
