import type { IslandPage } from './main.js'
import { formatCount, plural, pluralParts, text } from './text.js'

/**
 * Keeps a public page live over the channel's Server-Sent Events stream (docs/protocol.md),
 * resuming after the sequence the server rendered into the page, so nothing published between the
 * render and the connection is missed; EventSource resumes by itself with Last-Event-ID after a
 * drop. New posts wait behind a "N new posts — show" pill (the reader's scroll position is theirs);
 * edits, pins and closed polls replace the post in place; deletions remove it (the post page marks
 * it deleted); `counts` frames update reaction and vote numbers. Posts arrive as HTML rendered by
 * the server (`/c/{slug}/fragments`), through the same read rules as the page: no spoiler or
 * embargo decision is made here.
 */

interface Hooks {
  /** Relative times and remembered reveals for nodes added or replaced. */
  enhance(node: ParentNode): void
  /** Drops the revealer's copy of a post that changed. */
  forget(id: string): void
}

interface CountsFrame {
  posts: {
    id: string
    reactions?: { total: number }
    poll?: { totalVoters: number; votes: number[] | null }
  }[]
}

/**
 * "3 reactions" → "4 reactions": the number in its own element (`[data-reactions]`), and the words
 * around it in the plural form for the new number (src/pages/text.ts `liveCount`).
 */
function setCount(post: HTMLElement, key: 'reactions' | 'voters', value: number | undefined): void {
  const label = post.querySelector<HTMLElement>(`[data-count-label="${key}"]`)
  const number = label?.querySelector(`[data-${key}]`)
  if (!label || !number || value === undefined) return
  const [before, shown, after] = pluralParts(key, value)
  number.textContent = shown
  label.replaceChildren(document.createTextNode(before), number, document.createTextNode(after))
}

const REFRESH_TYPES = ['post.edited', 'post.pinned', 'post.unpinned', 'poll.closed']

export function startLive(page: IslandPage, hooks: Hooks): void {
  const slug = encodeURIComponent(page.slug)
  const pending: string[] = []
  const pill = document.createElement('button')
  pill.type = 'button'
  pill.className = 'live-pill'
  pill.hidden = true
  pill.setAttribute('aria-live', 'polite')
  document.body.append(pill)
  let onPill: () => void = () => {}
  pill.addEventListener('click', () => onPill())

  const showPill = (text: string, action: () => void) => {
    pill.textContent = text
    pill.hidden = false
    onPill = action
  }
  const reload = () => location.reload()
  const postEl = (id: string) =>
    page.root.querySelector<HTMLElement>(`article[data-post="${CSS.escape(id)}"]`)

  async function fragments(ids: string[]): Promise<HTMLElement[]> {
    const view = page.view === 'channel' ? 'card' : 'post'
    const res = await fetch(`/c/${slug}/fragments?view=${view}&ids=${ids.map(encodeURIComponent).join(',')}`)
    if (!res.ok) throw new Error(`fragments: ${res.status}`)
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
    return [...doc.querySelectorAll<HTMLElement>('article[data-post]')].map((a) => document.adoptNode(a))
  }

  async function showPending(): Promise<void> {
    if (page.isOlder) {
      location.href = `/c/${slug}`
      return
    }
    const ids = pending.splice(0).reverse() // newest first, as the page lists them
    pill.hidden = true
    const list = page.root.querySelector('[data-posts]')
    if (!list) return reload()
    const cards = (await fragments(ids)).filter((card) => !postEl(card.dataset.post ?? ''))
    page.root.querySelector('[data-empty]')?.remove()
    list.prepend(...cards)
    for (const card of cards) hooks.enhance(card)
    cards[0]?.scrollIntoView({ block: 'nearest' })
  }

  function onPublished(id: string) {
    if (page.view === 'timeline') return showPill(text('timelineUpdated'), reload)
    if (page.view !== 'channel' || postEl(id) || pending.includes(id)) return
    pending.push(id)
    const n = pending.length
    showPill(plural('newPosts', n), () => {
      showPending().catch(reload)
    })
  }

  async function refresh(id: string): Promise<void> {
    const current = postEl(id)
    if (!current) return
    hooks.forget(id)
    const [fresh] = await fragments([id])
    if (!fresh) return onDeleted(id)
    current.replaceWith(fresh)
    hooks.enhance(fresh)
  }

  function onDeleted(id: string) {
    const pendingAt = pending.indexOf(id)
    if (pendingAt !== -1) pending.splice(pendingAt, 1)
    if (page.view === 'timeline') return showPill(text('timelineUpdated'), reload)
    const el = postEl(id)
    if (!el) return
    if (page.view === 'channel') return el.remove()
    const note = document.createElement('p')
    note.className = 'muted'
    note.textContent = text('postDeleted')
    el.replaceChildren(note)
    el.dataset.deleted = ''
  }

  function onCounts(frame: CountsFrame): void {
    for (const entry of frame.posts) {
      const el = postEl(entry.id)
      if (!el) continue
      entry.poll?.votes?.forEach((votes, i) => {
        const span = el.querySelector(`[data-votes="${i}"]`)
        if (span) span.textContent = formatCount(votes)
      })
      setCount(el, 'reactions', entry.reactions?.total)
      setCount(el, 'voters', entry.poll?.totalVoters)
    }
  }

  // With the epoch, a page rendered before a database restore gets `reset` (reload) instead of
  // the events that happen to carry the same numbers in the new history.
  const epoch = page.epoch ? `&epoch=${encodeURIComponent(page.epoch)}` : ''
  const source = new EventSource(`/api/v1/channels/${slug}/events?since=${page.seq}${epoch}`)
  type EventData = { data?: { id?: string; postId?: string; redacted?: boolean } }
  const dataOf = (e: Event) => (JSON.parse((e as MessageEvent<string>).data) as EventData).data ?? {}
  const idOf = (e: Event): string => dataOf(e).id ?? dataOf(e).postId ?? ''
  // A replayed event of a post deleted since carries nothing but its id (docs/protocol.md,
  // "Redacted events"); the `post.deleted` after it removes the post.
  const isRedacted = (e: Event): boolean => dataOf(e).redacted === true
  source.addEventListener('post.published', (e) => isRedacted(e) || onPublished(idOf(e)))
  source.addEventListener('post.deleted', (e) => onDeleted(idOf(e)))
  for (const type of REFRESH_TYPES) {
    source.addEventListener(type, (e) => {
      if (isRedacted(e)) return
      if (page.view === 'timeline') return showPill(text('timelineUpdated'), reload)
      const id = idOf(e)
      // An image permalink is not a post card: offer the changed page instead of patching it.
      if (page.view === 'image') return postEl(id) && showPill(text('postChanged'), reload)
      refresh(id).catch(() => showPill(text('updated'), reload))
    })
  }
  source.addEventListener('counts', (e) => onCounts(JSON.parse((e as MessageEvent<string>).data)))
  // The page can no longer be caught up (too far behind, history replaced): offer a reload.
  source.addEventListener('reset', () => showPill(text('outOfDate'), reload))
  // The stream ended for good (channel made private or deleted): stop reconnecting. After a
  // `stream-error` EventSource reconnects by itself, and gives up if access is now refused.
  source.addEventListener('unsubscribed', () => source.close())
}
