import { linkParts } from '../app/format.js'
import { spoilers } from '../app/spoilers.js'
import type { IslandPage } from './main.js'

/**
 * Tap-to-reveal on public pages, remembered on this device exactly as the app remembers it
 * (app/spoilers.ts: `post:<id>` for a spoiler post, `media:<id>` for a spoiler image). The server
 * renders only the blurred rendering and no hidden text, so crawlers and no-JS readers never get
 * them; on a tap this script asks the API for the post (what this viewer may see) and swaps the
 * real image and text in. A spoiler post reveals its text and the images that are not spoilers
 * themselves; an image marked as a spoiler needs its own tap — the app's rules.
 */

interface MediaView {
  id: string
  spoiler: boolean
  alt: string
  credit: string | null
  variants: { width: number; height: number; format: string; url: string }[]
}

interface PostView {
  id: string
  text: string
  links: { url: string; start: number; end: number }[]
  media?: MediaView[]
  poll?: { question: string; options: { text: string }[] }
  prompt?: { question: string }
}

/** Largest JPEG whose long side is at most 1080 px (what the pages show for other images). */
function pickVariant(media: MediaView) {
  const jpegs = media.variants.filter((v) => v.format === 'jpeg').sort((a, b) => a.width - b.width)
  return jpegs.filter((v) => Math.max(v.width, v.height) <= 1080).at(-1) ?? jpegs[0] ?? media.variants[0]
}

function safeHref(url: string): string | null {
  try {
    const u = new URL(url, location.href)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
  } catch {
    return null
  }
}

/** The post's text as DOM nodes (links as anchors): text is never parsed as HTML. */
function textBlock(view: PostView): HTMLElement {
  const div = document.createElement('div')
  div.className = 'text revealed'
  for (const part of linkParts(view.text, view.links)) {
    const href = 'url' in part ? safeHref(part.url) : null
    if (!href) {
      div.append(part.text)
      continue
    }
    const a = document.createElement('a')
    a.href = href
    a.rel = 'nofollow ugc noopener'
    a.target = '_blank'
    a.textContent = part.text
    div.append(a)
  }
  const question = view.poll ?? view.prompt
  if (question) {
    const strong = document.createElement('strong')
    strong.textContent = question.question
    div.append(strong)
    if (view.poll) {
      const ol = document.createElement('ol')
      for (const o of view.poll.options)
        ol.append(Object.assign(document.createElement('li'), { textContent: o.text }))
      div.append(ol)
    }
  }
  return div
}

function showImage(figure: HTMLElement, media: MediaView): void {
  const img = figure.querySelector('img')
  const file = pickVariant(media)
  if (!img || !file) return
  img.src = file.url
  img.width = file.width
  img.height = file.height
  img.alt = media.alt
  figure.dataset.revealed = ''
  const caption = figure.querySelector('figcaption')
  if (caption) {
    caption.textContent = media.credit ? `© ${media.credit}` : ''
    if (!media.credit) caption.remove()
  }
}

export function createRevealer(page: IslandPage) {
  const views = new Map<string, Promise<PostView>>()
  const base = `/api/v1/channels/${encodeURIComponent(page.slug)}/posts/`

  function load(id: string): Promise<PostView> {
    let view = views.get(id)
    if (!view) {
      view = fetch(base + encodeURIComponent(id), { headers: { accept: 'application/json' } }).then((res) =>
        res.ok ? (res.json() as Promise<PostView>) : Promise.reject(new Error(`post ${id}: ${res.status}`)),
      )
      views.set(id, view)
      view.catch(() => views.delete(id))
    }
    return view
  }

  const postIdOf = (article: Element) => (article as HTMLElement).dataset.post ?? ''
  const isPostHidden = (article: Element) => article.querySelector('[data-spoiler-post]') !== null
  const hiddenFigures = (article: Element) =>
    article.querySelectorAll<HTMLElement>('figure[data-spoiler-media]:not([data-revealed])')

  async function revealPost(article: Element): Promise<void> {
    const id = postIdOf(article)
    const view = await load(id)
    spoilers.reveal('post', id)
    article.querySelector('[data-spoiler-post]')?.replaceWith(textBlock(view))
    for (const figure of hiddenFigures(article)) {
      const media = view.media?.find((m) => m.id === figure.dataset.spoilerMedia)
      if (media && (!media.spoiler || spoilers.isRevealed('media', media.id))) showImage(figure, media)
    }
  }

  async function revealMedia(article: Element, figure: HTMLElement): Promise<void> {
    const mediaId = figure.dataset.spoilerMedia ?? ''
    const media = (await load(postIdOf(article))).media?.find((m) => m.id === mediaId)
    if (!media) throw new Error(`media ${mediaId} is not in the post`)
    spoilers.reveal('media', mediaId)
    showImage(figure, media)
  }

  // One listener for the page (cards added live included). A modified click (new tab…) and a
  // failed fetch fall back to the link: the server's ?reveal=1 page.
  page.root.addEventListener('click', (e) => {
    const target = e.target as Element
    const link = target.closest<HTMLAnchorElement>('[data-spoiler-post] a')
    const figure = target.closest<HTMLElement>('figure[data-spoiler-media]:not([data-revealed])')
    const article = target.closest('article[data-post]')
    if ((!link && !figure) || !article) return
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    const done = link || isPostHidden(article) ? revealPost(article) : revealMedia(article, figure!)
    done.catch(() => {
      const fallback = link ?? figure?.closest('a')
      if (fallback) location.href = fallback.href
    })
  })

  /** Re-opens what this device revealed before, in `node` (the page, or cards added live). */
  function restore(node: ParentNode): void {
    for (const article of node.querySelectorAll('article[data-post]')) {
      const id = postIdOf(article)
      const figures = [...hiddenFigures(article)].filter((f) =>
        spoilers.isRevealed('media', f.dataset.spoilerMedia ?? ''),
      )
      if (isPostHidden(article)) {
        if (spoilers.isRevealed('post', id)) revealPost(article).catch(() => {})
      } else if (figures.length > 0) {
        for (const figure of figures) revealMedia(article, figure).catch(() => {})
      }
    }
  }

  return { restore, forget: (id: string) => views.delete(id) }
}
