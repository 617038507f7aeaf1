import { startLive } from './live.js'
import { createRevealer } from './reveal.js'
import { relativeTime, text } from './text.js'

/**
 * The public pages' island: progressive enhancement of the server-rendered channel, post, image
 * and timeline pages (src/pages). Without JavaScript those pages are complete; with it this script
 * (loaded with `defer`, from this server only: the pages' CSP allows no inline script) adds
 * tap-to-reveal spoilers remembered like the app remembers them, live updates from the channel's
 * SSE stream, relative times and links into the app. Everything it needs is in data-* attributes
 * of `<main data-island>`, and its words in the page's language in a JSON block (text.ts); user
 * text only ever reaches the DOM as text.
 */

export interface IslandPage {
  root: HTMLElement
  /** 'channel' | 'post' | 'image' | 'timeline' */
  view: string
  slug: string
  /** The channel's event-log position the server rendered: the live stream resumes after it. */
  epoch: string
  seq: number
  /** Set on an older page of the channel (?before=…): new posts are offered as a link to the first page. */
  isOlder: boolean
}

function readPage(): IslandPage | null {
  const root = document.querySelector<HTMLElement>('main[data-island]')
  const slug = root?.dataset.channel
  if (!root || !slug) return null
  return {
    root,
    view: root.dataset.island ?? '',
    slug,
    epoch: root.dataset.epoch ?? '',
    seq: Number(root.dataset.seq ?? 0) || 0,
    isOlder: root.dataset.older !== undefined,
  }
}

/** "3 hours ago" in every <time datetime> under `node`; the exact UTC time stays in the title. */
export function showRelativeTimes(node: ParentNode): void {
  for (const time of node.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    if (!time.title) time.title = time.textContent ?? ''
    time.textContent = relativeTime(time.dateTime)
  }
}

function addAppLinks(page: IslandPage): void {
  const slug = encodeURIComponent(page.slug)
  const bar = document.createElement('nav')
  bar.className = 'app-links'
  for (const [label, href] of [
    [text('openInApp'), `/app/c/${slug}`],
    [text('join'), `/join/${slug}`],
  ] as const) {
    const a = document.createElement('a')
    a.textContent = label
    a.href = href
    bar.append(a)
  }
  const header = page.root.querySelector('header.channel')
  if (header) header.append(bar)
  else page.root.prepend(bar)
}

const page = readPage()
if (page) {
  const revealer = createRevealer(page)
  const enhance = (node: ParentNode) => {
    showRelativeTimes(node)
    revealer.restore(node)
  }
  addAppLinks(page)
  enhance(page.root)
  setInterval(() => showRelativeTimes(page.root), 60_000)
  if (typeof EventSource !== 'undefined') startLive(page, { enhance, forget: revealer.forget })
}
