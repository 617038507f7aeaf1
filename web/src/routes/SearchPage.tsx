import { useEffect, useState } from 'preact/hooks'
import { api, channelPath, query } from '../app/api.js'
import { relativeTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { navigate, route } from '../app/router.js'
import type { Post } from '../app/types.js'
import { Album } from '../components/Album.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

/** One search result (GET …/search): plain text and offsets, never markup. */
export interface SearchHit {
  id: string
  channel: { slug: string; title: string }
  kind: Post['kind']
  author: { handle: string; displayName: string }
  publishedAt: string
  spoiler: boolean
  spoilerLabel: string | null
  snippet: { text: string; highlights: { start: number; end: number }[] } | null
}

type Tab = 'posts' | 'media' | 'links'
const TABS: Tab[] = ['posts', 'media', 'links']
/** What each tab asks the API for, as Telegram's channel search splits it. */
const TAB_FILTERS: Record<Tab, Record<string, string>> = {
  posts: {},
  media: { kind: 'album' },
  links: { has: 'link' },
}

/** The snippet with its matched words in <mark>: built from the text and offsets, so nothing is parsed as HTML. */
export function Highlighted(props: { snippet: NonNullable<SearchHit['snippet']> }) {
  const { text, highlights } = props.snippet
  const parts: preact.ComponentChild[] = []
  let at = 0
  for (const h of highlights) {
    if (h.start < at || h.end > text.length) continue
    parts.push(text.slice(at, h.start), <mark key={h.start}>{text.slice(h.start, h.end)}</mark>)
    at = h.end
  }
  parts.push(text.slice(at))
  return <p class="post-text">{parts}</p>
}

/**
 * Search (issue 19): inside a channel (`/app/c/{slug}/search`, from the channel header's search
 * button) or across public channels and the reader's own (`/app/search`). The query and tab live in
 * the address, so a search can be shared and Back returns to it.
 */
export function SearchPage(props: { slug?: string }) {
  const params = route.value.search
  const q = params.get('q') ?? ''
  const tab: Tab = TABS.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'posts'
  const [draft, setDraft] = useState(q)
  const [items, setItems] = useState<SearchHit[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const base = props.slug ? `/app/c/${encodeURIComponent(props.slug)}/search` : '/app/search'
  const endpoint = props.slug ? channelPath(props.slug, '/search') : '/api/v1/search'

  const load = (cursor: string | null) =>
    api
      .get<{ items: SearchHit[]; nextCursor: string | null }>(
        endpoint + query({ q, ...TAB_FILTERS[tab], limit: 20, cursor }),
      )
      .then((page) => {
        setItems((old) => (cursor && old ? [...old, ...page.items] : page.items))
        setNext(page.nextCursor)
      }, setError)

  useEffect(() => {
    setDraft(q)
    setItems(null)
    setError(null)
    if (q.trim()) void load(null)
  }, [q, tab, endpoint])

  const go = (nextQ: string, nextTab: Tab) =>
    navigate(base + query({ q: nextQ || null, tab: nextTab === 'posts' ? null : nextTab }))

  return (
    <main id="main" class="stack">
      <h1>{props.slug ? t('search.inChannel') : t('search.title')}</h1>
      {props.slug && (
        <p class="small">
          <Link href={`/app/c/${encodeURIComponent(props.slug)}`}>{t('search.backToChannel')}</Link>
        </p>
      )}
      <form
        class="row search-form"
        onSubmit={(e) => {
          e.preventDefault()
          go(draft.trim(), tab)
        }}
      >
        <label class="visually-hidden" for="search-q">
          {t('search.label')}
        </label>
        <input
          id="search-q"
          type="search"
          name="q"
          maxLength={200}
          value={draft}
          placeholder={t('search.placeholder')}
          onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="primary">
          {t('search.submit')}
        </button>
      </form>
      <nav class="tabs" aria-label={t('search.tabs')}>
        {TABS.map((name) => (
          <button key={name} type="button" aria-pressed={tab === name} onClick={() => go(q, name)}>
            {t(`search.tab.${name}`)}
          </button>
        ))}
      </nav>
      <ErrorBox error={error} />
      {q.trim() === '' && <p class="muted">{t('search.hint')}</p>}
      {items?.length === 0 && <p class="muted">{t('search.empty', { q })}</p>}
      {items && items.length > 0 && (
        <ul class={tab === 'media' ? 'search-grid' : 'stack search-results'} aria-label={t('search.results')}>
          {items.map((hit) =>
            tab === 'media' ? (
              <MediaHit key={hit.id} hit={hit} />
            ) : (
              <Hit key={hit.id} hit={hit} showChannel={!props.slug} />
            ),
          )}
        </ul>
      )}
      {next && (
        <button type="button" onClick={() => void load(next)}>
          {t('search.more')}
        </button>
      )}
    </main>
  )
}

const postHref = (hit: SearchHit) =>
  `/app/c/${encodeURIComponent(hit.channel.slug)}/p/${encodeURIComponent(hit.id)}`

function Hit(props: { hit: SearchHit; showChannel: boolean }) {
  const { hit } = props
  return (
    <li class="card" data-result={hit.id}>
      <p class="small muted">
        {props.showChannel && <>{hit.channel.title} · </>}
        {hit.author.displayName} · {relativeTime(hit.publishedAt)}
      </p>
      {hit.spoiler ? (
        <p class="status-pill">
          {hit.spoilerLabel ? t('search.spoilerAbout', { label: hit.spoilerLabel }) : t('search.spoiler')}
        </p>
      ) : hit.snippet ? (
        <Highlighted snippet={hit.snippet} />
      ) : null}
      <Link class="small" href={postHref(hit)}>
        {t('search.open')}
      </Link>
    </li>
  )
}

/** An album in the Media tab: its photos (blurred spoilers stay blurred: Album decides), linking to the post. */
function MediaHit(props: { hit: SearchHit }) {
  const { hit } = props
  const [post, setPost] = useState<Post | null>(null)
  useEffect(() => {
    api
      .get<Post>(channelPath(hit.channel.slug, `/posts/${encodeURIComponent(hit.id)}`))
      .then(setPost, () => {})
  }, [hit.id])
  return (
    <li class="card" data-result={hit.id}>
      {post?.media && <Album media={post.media.slice(0, 4)} spoilerLabel={post.spoilerLabel} />}
      <Link class="small" href={postHref(hit)}>
        {t('search.open')}
      </Link>
    </li>
  )
}
