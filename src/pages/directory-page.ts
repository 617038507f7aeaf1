import { formatNumber } from '../i18n/index.js'
import { originOf } from '../reads/index.js'
import {
  DIRECTORY_CATEGORIES,
  type DirectoryCategory,
  type DirectoryInput,
  type DirectoryRow,
  type DirectorySort,
} from '../search/index.js'
import { html, type SafeHtml, safeUrl } from './html.js'
import { document, linkHeader, type PageMeta } from './layout.js'
import type { RenderDeps, RenderedPage } from './render.js'
import { productionLine } from './templates.js'
import type { PageText } from './text.js'

/** What one directory page shows: its query, its channels and whether another page follows. */
export interface DirectoryListing {
  input: Required<Pick<DirectoryInput, 'sort' | 'page'>> & Pick<DirectoryInput, 'q' | 'category'>
  items: DirectoryRow[]
  hasMore: boolean
}

/**
 * The public directory /c/ (issue 19 part 2): a search form, category and sort links, the channels
 * (featured first) and page links. Everything interpolated is escaped by `html`; links carry only
 * the query's validated values. Indexable only as the plain first page of a category: search
 * results and deep pages are `noindex` so crawlers do not walk every query.
 */
export function renderDirectory(
  deps: Pick<RenderDeps, 'assets' | 'publicUrl'>,
  text: PageText,
  listing: DirectoryListing,
): RenderedPage {
  const origin = originOf(deps.publicUrl())
  const { input } = listing
  const canonical = origin + directoryHref(input)
  const meta: PageMeta = {
    language: text.language,
    title: input.q ? text.t('directory.resultsFor', { q: input.q }) : text.t('directory.title'),
    description: text.t('directory.description', { site: deps.publicUrl().host }),
    canonical,
    isIndexable: input.q === undefined && input.page === 1,
    siteName: 'Backlot',
    ogType: 'website',
    image: null,
    feeds: null,
    oembed: null,
  }
  return {
    html: document(meta, deps.assets(), directoryBody(text, listing)),
    isIndexable: meta.isIndexable,
    isCacheable: true,
    link: linkHeader(meta),
    hasSearchForm: true,
  }
}

/** The directory's own address for a query (relative: the form and the links stay on this server). */
export function directoryHref(q: {
  q?: string
  category?: DirectoryCategory
  sort?: DirectorySort
  page?: number
}): string {
  const params = new URLSearchParams()
  if (q.q !== undefined) params.set('q', q.q)
  if (q.category !== undefined) params.set('category', q.category)
  if (q.sort !== undefined && q.sort !== 'members') params.set('sort', q.sort)
  if (q.page !== undefined && q.page > 1) params.set('page', String(q.page))
  const query = params.toString()
  return query ? `/c/?${query}` : '/c/'
}

function directoryBody(text: PageText, { input, items, hasMore }: DirectoryListing): SafeHtml {
  const here = { q: input.q, category: input.category, sort: input.sort }
  const current = (on: boolean) => (on ? html` aria-current="page"` : '')
  const categories = [undefined, ...DIRECTORY_CATEGORIES].map(
    (category) =>
      html`<a href="${directoryHref({ ...here, category })}"${current(category === input.category)}>${
        category ? text.t(`directory.category.${category}`) : text.t('directory.all')
      }</a>`,
  )
  const sorts = (['members', 'activity'] as const).map(
    (sort) =>
      html`<a href="${directoryHref({ ...here, sort })}"${current(sort === input.sort)}>${text.t(
        sort === 'members' ? 'directory.sortMembers' : 'directory.sortActivity',
      )}</a>`,
  )
  const prev = input.page > 1 ? directoryHref({ ...here, page: input.page - 1 }) : null
  const next = hasMore ? directoryHref({ ...here, page: input.page + 1 }) : null
  const empty = input.q ? text.t('directory.noMatch', { q: input.q }) : text.t('directory.empty')
  return html`<main class="directory">
<header class="channel"><h1>${input.q ? text.t('directory.resultsFor', { q: input.q }) : text.t('directory.heading')}</h1></header>
<form class="search" method="get" action="/c/" role="search">
<label for="directory-q">${text.t('directory.searchLabel')}</label>
<input id="directory-q" name="q" type="search" maxlength="200" value="${input.q ?? ''}">
${input.category ? html`<input type="hidden" name="category" value="${input.category}">` : ''}
<button type="submit">${text.t('directory.searchButton')}</button>
</form>
<nav class="links" aria-label="${text.t('directory.categoriesLabel')}">${categories}</nav>
${input.q ? '' : html`<nav class="links" aria-label="${text.t('directory.sortLabel')}">${sorts}</nav>`}
${
  items.length === 0
    ? html`<p class="muted">${empty}</p>`
    : html`<ul class="directory-list">${items.map((row) => channelItem(text, row))}</ul>`
}
${
  prev || next
    ? html`<nav class="links" aria-label="${text.t('directory.pageNumber', { page: input.page })}">${
        prev ? html`<a href="${prev}" rel="prev">${text.t('directory.previous')}</a>` : ''
      }${next ? html`<a href="${next}" rel="next">${text.t('directory.next')}</a>` : ''}</nav>`
    : ''
}
<footer>${text.t('channel.publishedWith')}</footer></main>`
}

function channelItem(text: PageText, row: DirectoryRow): SafeHtml {
  const facts = [
    productionLine(text, row),
    text.t('directory.members', {
      count: row.memberCount,
      number: formatNumber(text.language, row.memberCount),
    }),
    row.lastPostAt === null
      ? text.t('directory.noPosts')
      : text.t('directory.lastPost', { date: text.day(row.lastPostAt) }),
  ].filter((part) => part.length > 0)
  return html`<li><article class="post">
<h2><a href="${safeUrl(`/c/${encodeURIComponent(row.slug)}`)}">${row.title}</a>${
    row.featured ? html` <span class="badge">${text.t('directory.featured')}</span>` : ''
  }</h2>
${row.description ? html`<p>${row.description}</p>` : ''}
<p class="muted">${facts.join(' · ')}</p>
</article></li>`
}
