import type { ChannelRow, DigestRow } from '../db/schema.js'
import type { Language } from '../i18n/index.js'
import { type PostRecord, selectPosts } from '../posts/index.js'
import { type PublicImage, type PublicPost, presentPosts, type ReadDeps } from '../reads/index.js'
import { byPublication, digestPostIds } from './digest-select.js'

/** What a kit is of: one post (or album), or a digest's posts. */
export type KitSubject = { kind: 'post'; id: string } | { kind: 'digest'; id: string }

/** One post of a kit as the press sees it, with the images the kit carries of it. */
export interface KitPost {
  record: PostRecord
  /** Through the read pipeline with the press rules: embargo waived, spoiler images blurred. */
  post: PublicPost
  /** The post's images the kit carries: all but spoilers (only ever shown blurred), within the cap. */
  images: PublicImage[]
}

/**
 * Images one kit carries at most. A digest holds up to 50 posts of up to 20 images, and each image
 * a kit serves is decoded and marked for its link (reads/traced-images.ts), so the zip's work and
 * memory are bounded here: past the cap the kit says how many images it left out.
 */
export const KIT_IMAGES_MAX = 100

/**
 * What a digest kit shows: the digest's posts that are published or scheduled — what the digest's
 * page will show once every embargo has lifted. Drafts and posts awaiting sign-off are not
 * finished work and stay out (a post kit of a draft is the owner's explicit choice; a digest's is
 * not). Deleted posts are never read: a post deleted after the kit was issued vanishes from it.
 */
const DIGEST_KIT_STATUSES = new Set(['published', 'scheduled'])

export interface KitReadOptions {
  /** Where the page's images are served: the kit link's own marked copies. */
  mediaUrl?: (mediaId: string, file: string) => string
  language?: Language
}

/** The posts of a kit in its order, capped at KIT_IMAGES_MAX images; `omittedImages` past the cap. */
export async function readKitPosts(
  deps: ReadDeps,
  channel: ChannelRow,
  subject: { postId: string } | { digest: DigestRow },
  options: KitReadOptions = {},
): Promise<{ posts: KitPost[]; omittedImages: number }> {
  let ids: string[]
  let isManual = true
  if ('postId' in subject) ids = [subject.postId]
  else ({ ids, isManual } = await digestPostIds(deps, channel, subject.digest))
  if (ids.length === 0) return { posts: [], omittedImages: 0 }
  const found = await selectPosts(deps.db)
    .where('post.channel_id', '=', channel.id)
    .where('post.id', 'in', ids)
    .where('post.status', '!=', 'deleted')
    .execute()
  const byId = new Map(found.map((r) => [r.id, r]))
  const records = ids
    .map((id) => byId.get(id))
    .filter((r): r is PostRecord => r !== undefined)
    .filter((r) => 'postId' in subject || DIGEST_KIT_STATUSES.has(r.status))
  const shown = await presentPosts(deps, channel, records, { ...options, isPressPreview: true })
  const posts = shown.map((post) => ({
    record: records.find((r) => r.id === post.id)!,
    post,
    images: kitStills(post.images),
  }))
  if (!isManual) posts.sort((a, b) => byPublication(a.post, b.post))
  return capImages(posts)
}

/**
 * The stills a kit carries: every image but spoilers (only ever shown blurred), and a video as its
 * poster frame — the kit serves images, not renditions, so a player there would point at files the
 * kit does not serve. (Voice notes are not images; press-kit-body.ts leaves them out.)
 */
function kitStills(images: readonly PublicImage[]): PublicImage[] {
  return images.filter((i) => !i.isSpoiler).map((i) => (i.av ? { ...i, av: null } : i))
}

/** Keeps the first KIT_IMAGES_MAX images, in the kit's order, and counts the ones left out. */
function capImages(posts: KitPost[]): { posts: KitPost[]; omittedImages: number } {
  let room = KIT_IMAGES_MAX
  let omittedImages = 0
  const capped = posts.map((p) => {
    const kept = p.images.slice(0, Math.max(0, room))
    omittedImages += p.images.length - kept.length
    room -= kept.length
    return { ...p, images: kept }
  })
  return { posts: capped, omittedImages }
}
