import { type ChannelAccess, type HotChannels, productionOf } from '../channels/index.js'
import type { Db } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language } from '../i18n/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import {
  type FeedKey,
  feedCursor,
  hydratePublicParts,
  hydrateViews,
  type PostHooks,
  type PostRecord,
  type PostViewData,
  toPostView,
} from '../posts/index.js'
import type { Clock } from '../util/clock.js'
import { toPage } from '../util/pagination.js'
import { ensureBlurs } from './blur.js'
import { type MediaUrl, presentPost } from './present.js'
import { decideSpoiler, isPubliclyVisible } from './rules.js'
import { type FeedQuery, listFeed, postsByIds } from './store.js'
import type { PublicPost } from './types.js'

/**
 * The one read pipeline (STYLE rule 17): skeleton (post rows from the store: ids, keyset cursor;
 * store.ts) → hydrate (every area's post hooks: albums, interactions, production tags; one query
 * each per page) → rules (embargo, spoilers, visibility: rules.ts, with bans and channel access
 * checked before the skeleton) → present. Two presenters share it: the API's post view for a
 * viewer (`presentViews`, through service.ts) and the public surfaces' PublicPost
 * (`presentPosts`) — pages, feeds, oEmbed, embeds, timeline, digests and press previews — so no
 * surface can disagree with another about what is embargoed or hidden.
 */
export interface ReadDeps {
  db: Db
  clock: Clock
  mediaStore: MediaStore
  publicUrl: () => URL
  /** Every area's post hooks, in the post service's order (context.ts). */
  hooks?: readonly PostHooks[]
  /**
   * Where anonymous public reads take the channel row from (BACKLOT_HOT_READS); null or absent:
   * the database on every request.
   */
  hotChannels?: HotChannels | null
}

export interface ReadOptions {
  /** Fill `revealed` fields (the explicit `?reveal=1` page; never feeds, cards or embeds). */
  reveal?: boolean
  /** Media URLs other than /media/… (press previews serve the images of an embargoed post). */
  mediaUrl?: MediaUrl
  /**
   * Press preview only: the caller has checked a valid preview token for exactly these posts, so
   * the embargo rule is waived for them. Spoiler rules still apply.
   */
  isPressPreview?: boolean
  /**
   * The language of the labels made for the surface: titles ("3 photos from …"), spoiler notes,
   * tag labels ("Week 11"). English when not given (the API's and feed readers' default).
   */
  language?: Language
}

export function originOf(publicUrl: URL): string {
  return publicUrl.href.replace(/\/$/, '')
}

/** A page of a skeleton: at most `limit` rows, and the cursor of the next (older) page, if any. */
export interface SkeletonPage {
  records: PostRecord[]
  nextCursor: string | null
}

/** Reads one more row than the page holds, to know whether an older page exists. */
export async function readSkeletonPage(db: Db, query: FeedQuery): Promise<SkeletonPage> {
  const rows = await listFeed(db, { ...query, limit: query.limit + 1 })
  const page = toPage(rows, query.limit, (last) =>
    feedCursor.encode({ publishedAt: last.published_at!, id: last.id }),
  )
  return { records: page.items, nextCursor: page.nextCursor }
}

/** Hydrate → present for the API: the post views as `access` sees them, in the records' order. */
export async function presentViews(
  deps: ReadDeps,
  access: ChannelAccess,
  records: readonly PostRecord[],
): Promise<PostViewData[]> {
  const views = records.map((p) => toPostView(p, access.channel.slug))
  return hydrateViews(deps.hooks ?? [], deps.db, access, records, views)
}

/** Rules (embargo) → hydrate → rules (spoilers) → present over posts of one channel, keeping their order. */
export async function presentPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  records: readonly PostRecord[],
  options: ReadOptions = {},
): Promise<PublicPost[]> {
  const posts = records.filter(
    (p) =>
      p.channel_id === channel.id &&
      (isPubliclyVisible(channel, p) || (options.isPressPreview === true && p.status !== 'deleted')),
  )
  if (posts.length === 0) return []
  const language = options.language ?? DEFAULT_LANGUAGE
  const parts = await hydratePublicParts(deps.hooks ?? [], deps.db, channel, posts, language)
  const production = productionOf(channel)
  const now = deps.clock.now()
  const decisions = posts.map((post, i) => {
    const part = parts[i]!
    const tags = part.tags ?? null
    const album = part.images ?? []
    const spoiler = decideSpoiler(
      {
        isSpoiler: post.spoiler === 1,
        label: post.spoiler_label,
        imageSpoilers: album.map((i) => i.spoiler === 1 || i.media_spoiler === 1),
        chapters: tags?.chapters ?? [],
      },
      production,
      now,
      language,
    )
    return { post, part, tags, album, spoiler }
  })
  const hidden = decisions.flatMap((d) =>
    d.album
      .filter((_, i) => d.spoiler.imageSpoilers[i])
      .map((i) => ({ mediaId: i.media_id, status: i.status, variants: i.variants })),
  )
  const blurs = await ensureBlurs(deps.db, deps.mediaStore, hidden, now)
  const origin = originOf(deps.publicUrl())
  const mediaUrl = options.mediaUrl ?? ((id: string, file: string) => `${origin}/media/${id}/${file}`)
  return decisions.map((d) =>
    presentPost({
      channel,
      production,
      origin,
      post: d.post,
      tags: d.tags,
      tagLabels: d.part.tagLabels ?? [],
      images: d.album,
      blurs,
      question: d.part.question,
      reactions: d.part.reactions ?? 0,
      spoiler: d.spoiler,
      mediaUrl,
      reveal: options.reveal === true,
      language,
      linkPreview: d.part.linkPreview ?? null,
    }),
  )
}

export interface ChannelPage {
  posts: PublicPost[]
  /** Cursor of the next (older) page (the page's `?before=`), or null on the last page. */
  nextCursor: string | null
}

/** A page of a channel's published posts, newest first. */
export async function readChannelPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  options: { limit: number; before?: FeedKey | null; language?: Language },
): Promise<ChannelPage> {
  const page = await readSkeletonPage(deps.db, {
    channelId: channel.id,
    statuses: ['published'],
    pinnedOnly: false,
    before: options.before ?? null,
    limit: options.limit,
  })
  const posts = await presentPosts(deps, channel, page.records, {
    ...(options.language && { language: options.language }),
  })
  return { posts, nextCursor: page.nextCursor }
}

/**
 * Posts of a channel by id, in the order of `ids`; ids of posts the rules hide (embargoed,
 * deleted, another channel's, unknown) are simply absent.
 */
export async function readPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  ids: readonly string[],
  options: ReadOptions = {},
): Promise<PublicPost[]> {
  const records = await postsByIds(deps.db, channel.id, ids)
  const order = new Map(ids.map((id, i) => [id, i]))
  records.sort((a, b) => order.get(a.id)! - order.get(b.id)!)
  return presentPosts(deps, channel, records, options)
}
