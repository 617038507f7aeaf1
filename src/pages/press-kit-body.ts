import type { OpenedPressKit } from '../production/index.js'
import { album, body, tagList } from './components.js'
import { html, safeUrl } from './html.js'
import { channelHeader } from './templates.js'
import type { PageText } from './text.js'

type KitPost = OpenedPressKit['posts'][number]

/** "EMBARGOED UNTIL …" for a post not yet published (a scheduled one says until when); null once public. */
function embargoLine(text: PageText, { record, post }: KitPost): string | null {
  if (record.status === 'published') return null
  return post.publishAt !== null && record.status === 'scheduled'
    ? text.t('preview.embargoedUntil', { date: text.dateTime(post.publishAt) })
    : text.t('preview.embargoedUnscheduled')
}

/**
 * One post of a digest's kit: its embargo, caption, the kit's images of it with alt, credit, rights.
 * Kits carry stills only: no voice-note players (the kit link serves no audio).
 */
function kitPostArticle(text: PageText, kitPost: KitPost, n: number) {
  const { post, images } = kitPost
  const embargo = embargoLine(text, kitPost)
  return html`<article class="post press-kit-post" data-post="${post.id}">
<h3><a href="${safeUrl(post.url)}">${n}. ${post.title}</a></h3>
${embargo ? html`<p class="embargo" role="note"><strong>${embargo}</strong></p>` : ''}
${body(text, post)}
${album(text, { ...post, images, voiceNotes: [] }, { showAlt: true })}
${tagList(post)}
</article>`
}

/**
 * A press kit: embargo banner (or "published"), for whom it was issued, the caption, every image
 * with its alt text, credit and rights, the usage note, the press contact and the zip. A digest's
 * kit lists the digest's posts in order, each with its own embargo line. The images are marked for
 * this link; the page says so, which is also what deters a leak.
 */
export function pressKitBody(text: PageText, origin: string, opened: OpenedPressKit, zipUrl: string) {
  const { kit, channel, digest, posts, images } = opened
  const single = digest === null ? posts[0]! : null
  const banner = single ? embargoLine(text, single) : null
  const issuedTo = [kit.recipient, kit.outlet].filter(Boolean).join(', ')
  const content = single
    ? html`${body(text, single.post)}
${album(text, { ...single.post, images: single.images, voiceNotes: [] }, { showAlt: true })}`
    : html`<h3>${digest!.title}</h3>${digest!.intro ? html`<p>${digest!.intro}</p>` : ''}
${posts.length === 0 ? html`<p class="muted">${text.t('digest.noPosts')}</p>` : posts.map((p, i) => kitPostArticle(text, p, i + 1))}`
  return html`${banner ? html`<div class="banner" role="alert">${banner}</div>` : ''}<main>${channelHeader(text, origin, channel)}
<article class="post press-kit">
<h2>${text.t('pressKit.heading')}</h2>
<p class="meta">${text.t('pressKit.issuedTo', { name: issuedTo })} · ${text.t('pressKit.expires', { date: text.dateTime(kit.expires_at) })}</p>
${content}
<dl>
<dt>${text.t('pressKit.contact')}</dt><dd>${kit.contact}</dd>
${kit.usage_note ? html`<dt>${text.t('pressKit.usage')}</dt><dd>${kit.usage_note}</dd>` : ''}
</dl>
${opened.omittedImages > 0 ? html`<p class="muted">${text.t('pressKit.omitted', { count: opened.omittedImages })}</p>` : ''}
${images.length > 0 ? html`<p><a class="button" href="${safeUrl(zipUrl)}" download>${text.t('pressKit.download', { count: images.length })}</a></p>` : ''}
<p class="muted">${text.t('pressKit.notice')}</p>
</article></main>`
}
