import {
  assertNotArchived,
  cleanLine,
  cleanText,
  invalidField,
  requirePermission,
} from '../channels/index.js'
import type { ChannelRow, DigestRow, PressKitRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { Language } from '../i18n/index.js'
import { findFile, findMedia, parseVariants } from '../media/index.js'
import { requireVisiblePost } from '../posts/index.js'
import {
  type ImageBytes,
  originOf,
  type PublicImage,
  type PublicPost,
  type ReadDeps,
  type TracedImages,
} from '../reads/index.js'
import { hashSecret, newId, newSecret } from '../util/ids.js'
import { cursorCodec, mapPage, type Page, toPage } from '../util/pagination.js'
import { findDigest } from './digest-store.js'
import { digestUrl } from './digests.js'
import type { CreatePressKitInput, PressKitViewData } from './press-kit-schemas.js'
import { type KitPost, type KitSubject, readKitPosts } from './press-kit-subject.js'

const HOUR_MS = 3_600_000
const kitCursor = cursorCodec({ createdAt: 'int', id: 'id' })
const TOKEN = /^kit_[A-Za-z0-9_-]{43}$/
/** The file a kit's zip carries per image: the largest processed JPEG (originals may not be kept). */
const KIT_SIZES = ['2048', '1080', '320']

const two = (n: number) => String(n).padStart(2, '0')
/** `images/02-{media}.jpg` in a post's kit; `images/03-02-{media}.jpg` (post 3, image 2) in a digest's. */
const zipName = (postN: number | null, image: PublicImage) =>
  `images/${postN === null ? '' : `${two(postN)}-`}${two(image.n)}-${image.mediaId}.jpg`

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function toView(row: PressKitRow, url?: string): PressKitViewData {
  return {
    id: row.id,
    postId: row.post_id,
    digestId: row.digest_id,
    recipient: row.recipient,
    outlet: row.outlet,
    email: row.email,
    contact: row.contact,
    usageNote: row.usage_note,
    ...(url !== undefined && { url }),
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    revokedAt: iso(row.revoked_at),
    opens: row.opens,
    lastOpenedAt: iso(row.last_opened_at),
    downloads: row.downloads,
    lastDownloadedAt: iso(row.last_downloaded_at),
  }
}

/** What a valid kit link opens: the link, its channel, and its posts as the press sees them. */
export interface OpenedPressKit {
  kit: PressKitRow
  channel: ChannelRow
  /** The digest of a digest kit; null for the kit of a post. */
  digest: DigestRow | null
  /** The digest's public page (null for a post's kit). */
  digestUrl: string | null
  /** The kit's posts in order: its one post, or the digest's (press-kit-subject.ts). */
  posts: KitPost[]
  /** Every image the kit carries, across its posts in order (never a spoiler). */
  images: PublicImage[]
  /** Images past KIT_IMAGES_MAX the kit leaves out (a digest of many albums). */
  omittedImages: number
}

/** One image of a kit, marked for its link, with the name it has in the zip. */
export interface KitImageFile {
  name: string
  /** The post the image belongs to. */
  post: PublicPost
  bytes: Buffer
  image: PublicImage
  width: number
  height: number
}

/**
 * Press kits (issue 19 part 3): for a post or album, or for a digest, its owner or an admin issues
 * a kit to one recipient — a secret link to a page (images, captions, credits, usage rights,
 * embargo time, press contact) and a zip of the images at their largest processed size with a
 * manifest. A digest's kit reads the digest's posts at every open, so a post deleted after the kit
 * was issued vanishes from its page and zip; deleting the digest deletes its kits. Every image
 * served through the link carries that link's watermark (part 4). Opens of the page and downloads
 * of the zip are counted per link (a count and the last time, nothing about the reader). A link
 * stops working when revoked, when it expires, or when its post or digest is deleted (the row goes
 * with it).
 */
export interface PressKitService {
  /**
   * Issues a kit link for a post or a digest with images (`post.edit-any`: owner and admins;
   * `digest-not-found`, `channel-archived`, `press-kit-empty`); the URL is in this answer only.
   */
  create(
    actorId: string,
    slug: string,
    subject: KitSubject,
    input: CreatePressKitInput,
  ): Promise<PressKitViewData>
  /** A page of the post's or digest's kit links, newest first, without their secrets (`post.edit-any`). */
  list(
    actorId: string,
    slug: string,
    subject: KitSubject,
    page: { cursor?: string; limit?: number },
  ): Promise<Page<PressKitViewData>>
  /** Revokes a link at once (`press-kit-not-found`); revoking twice changes nothing. */
  revoke(actorId: string, slug: string, subject: KitSubject, kitId: string): Promise<void>
  /** The kit behind a secret, or null for an unknown, expired or revoked link or a deleted post or digest. */
  open(token: string, language?: Language): Promise<OpenedPressKit | null>
  /** `open` for a reader of the kit page: the open is counted. */
  visit(token: string, language: Language): Promise<OpenedPressKit>
  /** One image of the kit (a file of the page), marked for the link (`press-kit-not-found`, `media-not-found`). */
  file(token: string, mediaId: string, fileName: string): Promise<ImageBytes>
  /** Every image of the kit, marked, for the zip; the download is counted (`press-kit-not-found`). */
  download(token: string): Promise<{ opened: OpenedPressKit; files: KitImageFile[] }>
}

export function createPressKitService(deps: ReadDeps & { traced: TracedImages }): PressKitService {
  const { db, clock } = deps

  /** The kit's subject as a column and id, checked to be in the channel; owner and admins only. */
  async function owned(actorId: string, slug: string, subject: KitSubject) {
    const access = await requirePermission(db, slug, actorId, 'post.edit-any')
    if (subject.kind === 'post') {
      const post = await requireVisiblePost(db, access, subject.id)
      return { access, column: 'post_id' as const, id: post.id, of: { postId: post.id } }
    }
    const digest =
      (await findDigest(db, access.channel.id, subject.id)) ??
      fail('digest-not-found', `No digest "${subject.id}".`)
    return { access, column: 'digest_id' as const, id: digest.id, of: { digest } }
  }

  async function create(
    actorId: string,
    slug: string,
    subject: KitSubject,
    input: CreatePressKitInput,
  ): Promise<PressKitViewData> {
    const { access, column, id, of } = await owned(actorId, slug, subject)
    assertNotArchived(access)
    const { posts } = await readKitPosts(deps, access.channel, of)
    if (posts.every((p) => p.images.length === 0))
      fail(
        'press-kit-empty',
        subject.kind === 'post'
          ? 'A press kit carries images: this post has none (spoiler images stay out of kits).'
          : "A press kit carries images: this digest's posts have none (spoiler images stay out of kits).",
      )
    const token = newSecret('kit_')
    const now = clock.now()
    const row: PressKitRow = {
      id: newId(),
      channel_id: access.channel.id,
      post_id: column === 'post_id' ? id : null,
      digest_id: column === 'digest_id' ? id : null,
      token_hash: hashSecret(token),
      recipient: cleanLine(input.recipient, '/recipient') ?? invalidField('/recipient', 'must not be blank'),
      outlet: cleanLine(input.outlet, '/outlet') ?? '',
      email: cleanLine(input.email, '/email'),
      contact: cleanLine(input.contact, '/contact') ?? invalidField('/contact', 'must not be blank'),
      usage_note: cleanText(input.usageNote, '/usageNote'),
      created_by: actorId,
      created_at: now,
      expires_at: now + (input.expiresInHours ?? 24 * 14) * HOUR_MS,
      revoked_at: null,
      opens: 0,
      last_opened_at: null,
      downloads: 0,
      last_downloaded_at: null,
    }
    await db.insertInto('press_kit').values(row).execute()
    return toView(row, `${originOf(deps.publicUrl())}/kit/${token}`)
  }

  async function list(
    actorId: string,
    slug: string,
    subject: KitSubject,
    page: { cursor?: string; limit?: number },
  ): Promise<Page<PressKitViewData>> {
    const { column, id } = await owned(actorId, slug, subject)
    const after = kitCursor.decodeOptional(page.cursor)
    const limit = page.limit ?? 20
    let query = db.selectFrom('press_kit').selectAll().where(column, '=', id)
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      )
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()
    const fetched = toPage(rows, limit, (last) =>
      kitCursor.encode({ createdAt: last.created_at, id: last.id }),
    )
    return mapPage(fetched, (row) => toView(row))
  }

  async function revoke(actorId: string, slug: string, subject: KitSubject, kitId: string): Promise<void> {
    const { column, id } = await owned(actorId, slug, subject)
    const row = await db
      .selectFrom('press_kit')
      .select(['id', 'revoked_at'])
      .where('id', '=', kitId)
      .where(column, '=', id)
      .executeTakeFirst()
    if (!row) fail('press-kit-not-found', `No press kit "${kitId}" here.`)
    if (row.revoked_at === null)
      await db.updateTable('press_kit').set({ revoked_at: clock.now() }).where('id', '=', row.id).execute()
  }

  async function open(token: string, language?: Language): Promise<OpenedPressKit | null> {
    if (!TOKEN.test(token)) return null
    const kit = await db
      .selectFrom('press_kit')
      .selectAll()
      .where('token_hash', '=', hashSecret(token))
      .executeTakeFirst()
    if (!kit || kit.revoked_at !== null || kit.expires_at <= clock.now()) return null
    const channel = await db
      .selectFrom('channel')
      .selectAll()
      .where('id', '=', kit.channel_id)
      .executeTakeFirst()
    if (!channel || channel.suspended_at !== null) return null
    const digest = kit.digest_id === null ? null : await findDigest(db, channel.id, kit.digest_id)
    if (digest === undefined) return null
    const origin = originOf(deps.publicUrl())
    const mediaUrl = (mediaId: string, file: string) => `${origin}/kit/${token}/${mediaId}/${file}`
    const of = digest ? { digest } : { postId: kit.post_id! }
    const { posts, omittedImages } = await readKitPosts(deps, channel, of, {
      mediaUrl,
      ...(language && { language }),
    })
    // A post kit without its post (deleted) opens nothing; a digest kit may have lost every post.
    if (!digest && posts.length === 0) return null
    const images = posts.flatMap((p) => p.images)
    const url = digest ? digestUrl(deps.publicUrl(), channel.slug, digest.id) : null
    return { kit, channel, digest, digestUrl: url, posts, images, omittedImages }
  }

  async function required(token: string, language?: Language): Promise<OpenedPressKit> {
    return (
      (await open(token, language)) ??
      fail('press-kit-not-found', 'This press kit link is invalid, expired or revoked.')
    )
  }

  async function visit(token: string, language: Language): Promise<OpenedPressKit> {
    const opened = await required(token, language)
    await db
      .updateTable('press_kit')
      .set((eb) => ({ opens: eb('opens', '+', 1), last_opened_at: clock.now() }))
      .where('id', '=', opened.kit.id)
      .execute()
    return opened
  }

  /** The stored file of a kit image the link may serve: a variant by name, only of the kit's images. */
  async function imageFile(opened: OpenedPressKit, mediaId: string, fileName: string) {
    if (!opened.images.some((i) => i.mediaId === mediaId)) fail('media-not-found', 'No such image.')
    const media = (await findMedia(db, mediaId)) ?? fail('media-not-found', 'No such image.')
    return findFile(media, fileName) ?? fail('media-not-found', 'No such image.')
  }

  async function file(token: string, mediaId: string, fileName: string): Promise<ImageBytes> {
    const opened = await required(token)
    if (fileName.startsWith('original.')) fail('media-not-found', 'No such image.')
    const ref = await imageFile(opened, mediaId, fileName)
    return deps.traced.marked({ id: opened.kit.id, tokenHash: opened.kit.token_hash }, ref.key, ref.format)
  }

  async function download(token: string): Promise<{ opened: OpenedPressKit; files: KitImageFile[] }> {
    const opened = await required(token)
    const link = { id: opened.kit.id, tokenHash: opened.kit.token_hash }
    const files: KitImageFile[] = []
    for (const [i, { post, images }] of opened.posts.entries()) {
      for (const image of images) {
        const media = (await findMedia(db, image.mediaId)) ?? fail('media-not-found', 'No such image.')
        const ref = KIT_SIZES.map((size) => findFile(media, `${size}.jpg`)).find((r) => r !== undefined)
        if (!ref) continue
        const bytes = await deps.traced.markedBytes(link, ref.key, 'jpeg')
        const variant = parseVariants(media).find((v) => v.key === ref.key)!
        files.push({
          name: zipName(opened.digest === null ? null : i + 1, image),
          post,
          bytes,
          image,
          width: variant.width,
          height: variant.height,
        })
      }
    }
    await db
      .updateTable('press_kit')
      .set((eb) => ({ downloads: eb('downloads', '+', 1), last_downloaded_at: clock.now() }))
      .where('id', '=', opened.kit.id)
      .execute()
    return { opened, files }
  }

  return { create, list, revoke, open, visit, file, download }
}
