import {
  assertNotArchived,
  cleanLine,
  cleanText,
  invalidField,
  requirePermission,
} from '../channels/index.js'
import type { ChannelRow, PressKitRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { Language } from '../i18n/index.js'
import { findFile, findMedia, parseVariants } from '../media/index.js'
import { findPost, type PostRecord, requireVisiblePost } from '../posts/index.js'
import {
  type ImageBytes,
  originOf,
  type PublicImage,
  type PublicPost,
  type ReadDeps,
  readPosts,
  type TracedImages,
} from '../reads/index.js'
import { hashSecret, newId, newSecret } from '../util/ids.js'
import { cursorCodec, mapPage, type Page, toPage } from '../util/pagination.js'
import type { CreatePressKitInput, PressKitViewData } from './press-kit-schemas.js'

const HOUR_MS = 3_600_000
const kitCursor = cursorCodec({ createdAt: 'int', id: 'id' })
const TOKEN = /^kit_[A-Za-z0-9_-]{43}$/
/** The file a kit's zip carries per image: the largest processed JPEG (originals may not be kept). */
const KIT_SIZES = ['2048', '1080', '320']

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function toView(row: PressKitRow, url?: string): PressKitViewData {
  return {
    id: row.id,
    postId: row.post_id,
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

/** What a valid kit link opens: the link, its channel, and the post as the press sees it. */
export interface OpenedPressKit {
  kit: PressKitRow
  channel: ChannelRow
  record: PostRecord
  /** The post through the read pipeline (press rules: embargo lifted for this reader, spoiler images blurred). */
  post: PublicPost
  /** The images the kit carries: every image of the post but spoilers (only ever shown blurred). */
  images: PublicImage[]
}

/** One image of a kit, marked for its link, with the name it has in the zip. */
export interface KitImageFile {
  name: string
  bytes: Buffer
  image: PublicImage
  width: number
  height: number
}

/**
 * Press kits (issue 19 part 3): for a post or album, its owner or an admin issues a kit to one
 * recipient — a secret link to a page (images, captions, credits, usage rights, embargo time, press
 * contact) and a zip of the images at their largest processed size with a manifest. Every image
 * served through the link carries that link's watermark (part 4). Opens of the page and downloads
 * of the zip are counted per link (a count and the last time, nothing about the reader). A link
 * stops working when revoked, when it expires, or when its post is deleted (the row goes with it).
 */
export interface PressKitService {
  /**
   * Issues a kit link for a post with images (`post.edit-any`: owner and admins; `channel-archived`,
   * `press-kit-empty`); the URL is in this answer only.
   */
  create(actorId: string, slug: string, postId: string, input: CreatePressKitInput): Promise<PressKitViewData>
  /** A page of the post's kit links, newest first, without their secrets (`post.edit-any`). */
  list(
    actorId: string,
    slug: string,
    postId: string,
    page: { cursor?: string; limit?: number },
  ): Promise<Page<PressKitViewData>>
  /** Revokes a link at once (`press-kit-not-found`); revoking twice changes nothing. */
  revoke(actorId: string, slug: string, postId: string, kitId: string): Promise<void>
  /** The kit behind a secret, or null for an unknown, expired or revoked link or a deleted post. */
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

  async function ownedPost(actorId: string, slug: string, postId: string) {
    const access = await requirePermission(db, slug, actorId, 'post.edit-any')
    const post = await requireVisiblePost(db, access, postId)
    return { access, post }
  }

  async function create(
    actorId: string,
    slug: string,
    postId: string,
    input: CreatePressKitInput,
  ): Promise<PressKitViewData> {
    const { access, post } = await ownedPost(actorId, slug, postId)
    assertNotArchived(access)
    const [shown] = await readPosts(deps, access.channel, [post.id], { isPressPreview: true })
    if (!shown || shown.images.every((i) => i.isSpoiler))
      fail(
        'press-kit-empty',
        'A press kit carries images: this post has none (spoiler images stay out of kits).',
      )
    const token = newSecret('kit_')
    const now = clock.now()
    const row: PressKitRow = {
      id: newId(),
      channel_id: access.channel.id,
      post_id: post.id,
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
    postId: string,
    page: { cursor?: string; limit?: number },
  ): Promise<Page<PressKitViewData>> {
    const { post } = await ownedPost(actorId, slug, postId)
    const after = kitCursor.decodeOptional(page.cursor)
    const limit = page.limit ?? 20
    let query = db.selectFrom('press_kit').selectAll().where('post_id', '=', post.id)
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

  async function revoke(actorId: string, slug: string, postId: string, kitId: string): Promise<void> {
    const { post } = await ownedPost(actorId, slug, postId)
    const row = await db
      .selectFrom('press_kit')
      .select(['id', 'revoked_at'])
      .where('id', '=', kitId)
      .where('post_id', '=', post.id)
      .executeTakeFirst()
    if (!row) fail('press-kit-not-found', `No press kit "${kitId}" for this post.`)
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
    const record = await findPost(db, channel.id, kit.post_id)
    if (!record || record.status === 'deleted') return null
    const origin = originOf(deps.publicUrl())
    const mediaUrl = (mediaId: string, file: string) => `${origin}/kit/${token}/${mediaId}/${file}`
    const [post] = await readPosts(deps, channel, [record.id], {
      isPressPreview: true,
      mediaUrl,
      ...(language && { language }),
    })
    if (!post) return null
    return { kit, channel, record, post, images: post.images.filter((i) => !i.isSpoiler) }
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
    for (const image of opened.images) {
      const media = (await findMedia(db, image.mediaId)) ?? fail('media-not-found', 'No such image.')
      const ref = KIT_SIZES.map((size) => findFile(media, `${size}.jpg`)).find((r) => r !== undefined)
      if (!ref) continue
      const bytes = await deps.traced.markedBytes(link, ref.key, 'jpeg')
      const variant = parseVariants(media).find((v) => v.key === ref.key)!
      const name = `images/${String(image.n).padStart(2, '0')}-${image.mediaId}.jpg`
      files.push({ name, bytes, image, width: variant.width, height: variant.height })
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
