import { productionOf } from '../channels/production-facts.js'
import type { Db } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import type { MediaStore } from '../media-store/media-store.js'
import { feedCursor } from '../posts/cursor.js'
import type { PostRecord } from '../posts/views.js'
import { tagsByPost } from '../production/store.js'
import { toTagsView } from '../production/tags.js'
import type { Clock } from '../util/clock.js'
import { toPage } from '../util/pagination.js'
import { ensureBlurs } from './blur.js'
import { type MediaUrl, presentPost } from './present.js'
import { decideSpoiler, isPubliclyVisible } from './rules.js'
import { imagesByPost, publishedPosts, questionsByPost, reactionTotals } from './store.js'
import type { PublicPost } from './types.js'

/**
 * The read pipeline of every surface outside the app (STYLE rule 17): skeleton (post ids from the
 * store) → hydrate (tags, album images, questions, reaction totals: one query each per page) →
 * rules (embargo, spoilers: rules.ts) → present (PublicPost). Pages, feeds, oEmbed, embeds,
 * timeline, digests and press previews all read through here, so no surface can disagree with
 * another about what is embargoed or hidden.
 */
export interface ReadDeps {
  db: Db
  clock: Clock
  mediaStore: MediaStore
  publicUrl: () => URL
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
}

export function originOf(publicUrl: URL): string {
  return publicUrl.href.replace(/\/$/, '')
}

/** Runs hydrate → rules → present over posts of one channel, keeping their order. */
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
  const ids = posts.map((p) => p.id)
  const [tags, images, questions, reactions] = await Promise.all([
    tagsByPost(deps.db, ids),
    imagesByPost(deps.db, ids),
    questionsByPost(deps.db, ids),
    reactionTotals(deps.db, ids),
  ])
  const production = productionOf(channel)
  const now = deps.clock.now()
  const decisions = posts.map((post) => {
    const tagView = toTagsView(tags.get(post.id))
    const album = images.get(post.id) ?? []
    const spoiler = decideSpoiler(
      {
        isSpoiler: post.spoiler === 1,
        label: post.spoiler_label,
        imageSpoilers: album.map((i) => i.spoiler === 1 || i.media_spoiler === 1),
        chapters: tagView?.chapters ?? [],
      },
      production,
      now,
    )
    return { post, tagView, album, spoiler }
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
      tags: d.tagView,
      images: d.album,
      blurs,
      question: questions.get(d.post.id),
      reactions: reactions.get(d.post.id) ?? 0,
      spoiler: d.spoiler,
      mediaUrl,
      reveal: options.reveal === true,
    }),
  )
}

export interface ChannelPage {
  posts: PublicPost[]
  /** Cursor of the next (older) page, or null on the last page. */
  nextCursor: string | null
}

/** A page of a channel's published posts, newest first. */
export async function readChannelPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  options: { limit: number; before?: { publishedAt: number; id: string } | null },
): Promise<ChannelPage> {
  const rows = await publishedPosts(deps.db, channel.id, { limit: options.limit + 1, before: options.before })
  const page = toPage(rows, options.limit, (last) =>
    feedCursor.encode({ publishedAt: last.published_at!, id: last.id }),
  )
  return { posts: await presentPosts(deps, channel, page.items), nextCursor: page.nextCursor }
}
