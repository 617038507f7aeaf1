import {
  CHAPTERS_MAX,
  type ChannelAccess,
  requireReadableChannel,
  roleAllows,
  WEEKS_MAX,
} from '../channels/index.js'
import type { Db } from '../db/database.js'
import type { PostHooks } from '../posts/index.js'
import type { ProductionChanged } from '../production/index.js'
import type { Clock } from '../util/clock.js'
import { cursorCodec, mapPage, type Page, toPage } from '../util/pagination.js'
import {
  type DirectoryCategory,
  type DirectoryRow,
  type DirectorySort,
  directoryVersion,
  listDirectory,
} from './directory.js'
import { indexMissing, reliftChannel } from './documents.js'
import { engineFor, type HiddenRule } from './engine.js'
import { createSearchHooks } from './hooks.js'
import { invalidQuery, parseTerms, termsOf } from './query.js'
import type { PostSearchQueryT, SearchResultT } from './schemas.js'
import { snippetOf } from './snippet.js'
import { type PostFilters, type PostHit, type PostScope, searchChannelIds, searchPosts } from './store.js'

/**
 * How deep a search may page: results past this many are not served. Ranked results have no
 * stable key to page by (a score is a float that an edit changes), so pages are offsets into the
 * ranking, and the cap bounds the work an offset asks of the engine.
 */
export const RESULTS_MAX = 200

const offsetCursor = cursorCodec({ offset: 'int' })

export interface SearchServiceDeps {
  db: Db
  /** The time a spoiler's lift is judged at (auto-lifted spoilers match for everyone after it). */
  clock: Clock
}

export interface SearchService {
  /**
   * Posts of one channel matching `query`, for anyone who may read the channel (outsiders of a
   * private channel get channel-not-found, banned accounts banned). A spoiler's hidden words match
   * only for members and staff.
   */
  searchChannel(viewerId: string | null, slug: string, query: PostSearchQueryT): Promise<Page<SearchResultT>>
  /**
   * Posts matching `query` across the public, listed channels and the viewer's own; hidden words
   * match only in the viewer's own channels.
   */
  searchAll(viewerId: string | null, query: PostSearchQueryT): Promise<Page<SearchResultT>>
  /**
   * Public, listed channels whose title or description matches `q`, best first: `limit + 1` ids
   * from `offset` (the channel list and the directory present them). Refuses a `q` without words.
   */
  matchChannels(q: string, offset: number, limit: number, field?: string): Promise<string[]>
  /**
   * A page (1-based) of the public directory (issue 19 part 2): listed public channels, featured
   * first, by members or activity, in a category, or matching `q` (best first). Pages past
   * DIRECTORY_PAGES_MAX are empty.
   */
  directory(input: DirectoryInput): Promise<{ items: DirectoryRow[]; hasMore: boolean }>
  /** Changes whenever what the directory lists changes (directory.ts), for the page cache. */
  directoryVersion(): Promise<string>
  /**
   * Indexes published posts that have no search document yet (indexMissing in documents.ts); the
   * server runs it once at its first start with search (`start`), `backlot search reindex` any
   * time (after `backlot import`). Returns how many posts it indexed.
   */
  /**
   * Re-dates when the channel's spoilers lift in search, in the transaction that changed its
   * production facts (given to the production service: production sits below search).
   */
  productionChanged: ProductionChanged
  indexMissing(): Promise<number>
  /** At start-up: indexes the posts published before search existed, once per database. */
  start(): Promise<void>
  /** Keeps the index in step with posts (context.ts adds it to the post hooks). */
  postHooks: PostHooks
}

/** The meta row saying the posts published before search existed are indexed. */
const BACKFILLED = 'search_backfilled'

export interface DirectoryInput {
  q?: string
  category?: DirectoryCategory
  sort?: DirectorySort
  page?: number
}

/** Channels on one page of the directory. */
export const DIRECTORY_PAGE_SIZE = 24
/** The last page served: deeper offsets cost the database more for pages nobody reads. */
export const DIRECTORY_PAGES_MAX = 100

export function createSearchService({ db, clock }: SearchServiceDeps): SearchService {
  const engine = engineFor(db)

  async function run(
    query: PostSearchQueryT,
    hidden: HiddenRule,
    scope: PostScope,
  ): Promise<Page<SearchResultT>> {
    const terms = parseTerms(query.q)
    const limit = query.limit ?? 20
    const offset = offsetCursor.decodeOptional(query.cursor)?.offset ?? 0
    const filters = await filtersOf(query)
    if (filters === null || offset >= RESULTS_MAX) return { items: [], nextCursor: null }
    const take = Math.min(limit, RESULTS_MAX - offset)
    const now = clock.now()
    const rows = await searchPosts(db, engine, { terms, hidden, now, scope, filters }, offset, take)
    // Past the cap there is no next page, even when more would match.
    const page = toPage(rows, take, () => offsetCursor.encode({ offset: offset + take }))
    return mapPage(page, (row) => toResult(row, terms, now))
  }

  /** The filters of a query; null when they can match nothing (an unknown author). */
  async function filtersOf(query: PostSearchQueryT): Promise<PostFilters | null> {
    const filters: PostFilters = { ...tagFilter(query.tag) }
    if (query.kind) filters.kind = query.kind
    if (query.has === 'link') filters.hasLink = true
    if (query.author !== undefined) {
      const handle = query.author.replace(/^@/, '').toLowerCase()
      const author = await db
        .selectFrom('account')
        .select('id')
        .where('handle', '=', handle)
        .executeTakeFirst()
      if (!author) return null
      filters.authorId = author.id
    }
    return filters
  }

  return {
    async searchChannel(viewerId, slug, query) {
      const access = await requireReadableChannel(db, slug, viewerId)
      const hidden: HiddenRule = mayMatchHidden(access) ? { kind: 'all' } : { kind: 'none' }
      return run(query, hidden, { channelId: access.channel.id })
    },
    searchAll(viewerId, query) {
      const hidden: HiddenRule =
        viewerId === null ? { kind: 'none' } : { kind: 'member-channels', accountId: viewerId }
      return run(query, hidden, { viewerId })
    },
    async matchChannels(q, offset, limit, field = '/q') {
      const terms = parseTerms(q, field)
      if (offset >= RESULTS_MAX) return []
      return searchChannelIds(db, engine, terms, offset, Math.min(limit, RESULTS_MAX - offset))
    },
    async directory(input) {
      // A page, not an API: a query without words finds nothing rather than being refused.
      const terms = input.q === undefined ? null : termsOf(input.q)
      const page = input.page ?? 1
      if (page > DIRECTORY_PAGES_MAX || terms?.length === 0) return { items: [], hasMore: false }
      const query = { terms, category: input.category ?? null, sort: input.sort ?? 'members' }
      const rows = await listDirectory(
        db,
        engine,
        query,
        (page - 1) * DIRECTORY_PAGE_SIZE,
        DIRECTORY_PAGE_SIZE,
      )
      return {
        items: rows.slice(0, DIRECTORY_PAGE_SIZE),
        hasMore: rows.length > DIRECTORY_PAGE_SIZE && page < DIRECTORY_PAGES_MAX,
      }
    },
    directoryVersion: () => directoryVersion(db),
    indexMissing: () => indexMissing(db),
    productionChanged: reliftChannel,
    async start() {
      const done = await db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', BACKFILLED)
        .executeTakeFirst()
      if (done) return
      await indexMissing(db)
      // Two nodes starting at once may both backfill (harmless: each post is indexed once, locked).
      await db
        .insertInto('meta')
        .values({ key: BACKFILLED, value: new Date().toISOString() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute()
    },
    postHooks: createSearchHooks(),
  }
}

/** Members (and staff, who are members) may match a spoiler's hidden words; outsiders never. */
function mayMatchHidden(access: ChannelAccess): boolean {
  return !access.isBanned && (access.membership !== null || roleAllows(access.role, 'post.read-unpublished'))
}

/** `week:12`, `chapter:8`, `location:…`, `unit:…` as a filter; anything else is a 422 on `/tag`. */
function tagFilter(tag: string | undefined): PostFilters {
  if (tag === undefined) return {}
  const colon = tag.indexOf(':')
  const name = tag.slice(0, colon)
  const value = tag.slice(colon + 1).trim()
  if (name === 'week' || name === 'chapter') {
    const max = name === 'week' ? WEEKS_MAX : CHAPTERS_MAX
    const n = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN
    if (!(n >= 1 && n <= max)) invalidQuery('/tag', `${name} must be a number from 1 to ${max}`)
    return name === 'week' ? { week: n } : { chapter: n }
  }
  if (value.length === 0) invalidQuery('/tag', `${name} must not be empty`)
  return name === 'location' ? { location: value } : { unit: value }
}

function toResult(row: PostHit, terms: readonly string[], now: number): SearchResultT {
  // Once its chapters aired, an auto-lifted spoiler is an ordinary post everywhere, search included.
  const isLifted = row.lifts_at !== null && row.lifts_at <= now
  const spoiler = row.is_spoiler === 1 && !isLifted
  return {
    id: row.post_id,
    channel: { slug: row.channel_slug, title: row.channel_title },
    kind: row.kind,
    author: { handle: row.author_handle, displayName: row.author_name },
    publishedAt: new Date(row.published_at).toISOString(),
    spoiler,
    spoilerLabel: spoiler ? row.spoiler_label : null,
    // A spoiler shows its label, never its words; open_text is empty for one anyway.
    snippet: spoiler
      ? null
      : snippetOf(isLifted ? joinLines(row.open_text, row.hidden_text) : row.open_text, terms),
  }
}

const joinLines = (a: string, b: string) => [a, b].filter((t) => t.length > 0).join('\n')
