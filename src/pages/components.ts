import type { PublicImage, PublicPost } from '../reads/types.js'
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

/** One image: the display file (blurred for a spoiler), alt text, credit; linked to its permalink. */
export function figure(
  post: PublicPost,
  image: PublicImage,
  options: { link?: string; reveal?: boolean; showAlt?: boolean } = {},
) {
  const file = options.reveal && image.revealed ? image.revealed : image.display
  const isHidden = image.isSpoiler && !(options.reveal && image.revealed)
  // The alt text of a spoiler image may describe the spoiler itself: hidden with the pixels.
  const alt = isHidden ? 'Spoiler (blurred image)' : image.alt
  const img = html`<img src="${safeUrl(file.url)}" width="${file.width}" height="${file.height}" alt="${alt}" loading="lazy">`
  const caption = [
    isHidden ? (post.spoilerNote ?? 'Spoiler') : null,
    options.showAlt && !isHidden && image.alt ? image.alt : null,
    image.credit ? `© ${image.credit}` : null,
  ]
    .filter(Boolean)
    .join(' · ')
  return html`<figure>${options.link ? html`<a href="${safeUrl(options.link)}">${img}</a>` : img}${
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
export function body(post: PublicPost, options: { revealLink?: string; reveal?: boolean } = {}) {
  if (post.spoiler) {
    const shown =
      options.reveal && post.revealedText !== null
        ? html`<div class="text">${post.revealedText}</div>`
        : options.revealLink
          ? html`<p><a href="${safeUrl(options.revealLink)}" rel="nofollow">Show the spoiler</a></p>`
          : ''
    return html`<div class="spoiler"><strong>Spoiler${post.spoiler.label ? html`: ${post.spoiler.label}` : ''}</strong>
<p>${post.spoiler.note}</p>${shown}</div>`
  }
  const question = post.question
    ? html`<div class="poll"><strong>${post.question.text}</strong>${
        post.question.options.length > 0
          ? html`<ol>${post.question.options.map((o) => html`<li>${o}</li>`)}</ol>`
          : ''
      }</div>`
    : ''
  const note = post.spoilerNote
    ? html`<p class="spoiler"><strong>${post.spoilerNote}</strong> (images blurred)</p>`
    : ''
  return html`${post.text ? html`<div class="text">${textWithLinks(post.text, post.links)}</div>` : ''}${question}${note}`
}

/** A post as a card in a list (channel page, timeline, digest). */
export function postCard(post: PublicPost): SafeHtml {
  return html`<article class="post" id="p-${post.id}">
<div class="meta"><a href="${safeUrl(post.url)}">${when(post.publishedAt)}</a> · ${post.author.displayName}${
    post.isPinned ? ' · pinned' : ''
  }</div>
${body(post, { revealLink: `${post.url}?reveal=1` })}
${album(post, { linkImages: true })}
${tagList(post)}
</article>`
}
