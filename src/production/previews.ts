import { type Static, Type } from '@sinclair/typebox'
import { assertNotArchived, cleanLine, requirePermission } from '../channels/index.js'
import type { Db } from '../db/database.js'
import type { ChannelRow, PressPreviewRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { assertMayModify, findPost, type PostRecord, requireVisiblePost } from '../posts/index.js'
import { originOf } from '../reads/index.js'
import type { Clock } from '../util/clock.js'
import { hashSecret, newId, newSecret } from '../util/ids.js'
import { OPENS_KEPT, openTimesOf, recordOpen } from './preview-opens.js'

const HOUR_MS = 3_600_000

export const CreatePreviewBody = Type.Object(
  {
    label: Type.Optional(
      Type.String({ maxLength: 100, description: 'Who it is for: the recipient, e.g. "Ana Ruiz".' }),
    ),
    outlet: Type.Optional(
      Type.String({ maxLength: 100, description: 'The recipient\'s outlet, e.g. "Variety".' }),
    ),
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description: "The recipient's address (kept for the owner).",
      }),
    ),
    expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30, default: 72 })),
  },
  { additionalProperties: false },
)
export type CreatePreviewInput = Static<typeof CreatePreviewBody>

export const PreviewView = Type.Object({
  id: Type.String(),
  postId: Type.String(),
  label: Type.String(),
  outlet: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  url: Type.Optional(Type.String({ description: 'Only in the answer that creates it: the secret link.' })),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  opens: Type.Integer({ description: 'How many times the preview page was opened (no record of who).' }),
  lastOpenedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  recentOpens: Type.Array(Type.String({ format: 'date-time' }), {
    description: `The times of the latest opens (up to ${OPENS_KEPT}), newest first.`,
  }),
})
export type PreviewViewData = Static<typeof PreviewView>
export const PreviewList = Type.Object({ items: Type.Array(PreviewView) })
export const PreviewParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
  previewId: Type.String({ minLength: 1, maxLength: 100 }),
})

const iso = (ms: number) => new Date(ms).toISOString()

function toView(row: PressPreviewRow, openTimes: readonly number[], url?: string): PreviewViewData {
  return {
    id: row.id,
    postId: row.post_id,
    label: row.label,
    outlet: row.outlet,
    email: row.email,
    ...(url !== undefined && { url }),
    expiresAt: new Date(row.expires_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    opens: row.opens,
    lastOpenedAt: row.last_opened_at === null ? null : iso(row.last_opened_at),
    recentOpens: openTimes.map(iso),
  }
}

/** What a valid preview link opens. */
export interface OpenedPreview {
  preview: PressPreviewRow
  channel: ChannelRow
  post: PostRecord
}

/**
 * Press preview links (issue 6 item 3): a secret URL that shows one embargoed post, with an
 * "EMBARGOED UNTIL …" banner and noindex, until it expires or is revoked. Only the SHA-256 of the
 * secret is stored. Made and revoked by whoever may edit the post. Each link is issued to one
 * recipient (issue 19: name, outlet, optional address), and the images it serves carry that link's
 * invisible watermark (reads/traced-images.ts), so a leaked copy traces back to it.
 */
export interface PreviewService {
  /**
   * Makes a link to an unpublished post (whoever may edit it; `post-already-published`,
   * `channel-archived`); the URL is in this answer only.
   */
  create(actorId: string, slug: string, postId: string, input: CreatePreviewInput): Promise<PreviewViewData>
  /**
   * The post's preview links, newest first, without their secrets, with how often and when each
   * was opened (whoever may edit it).
   */
  list(actorId: string, slug: string, postId: string): Promise<PreviewViewData[]>
  /** Revokes a link at once (`preview-not-found`); revoking twice changes nothing. */
  revoke(actorId: string, slug: string, postId: string, previewId: string): Promise<void>
  /** The post behind a secret, or null for an unknown, expired or revoked link or a deleted post. */
  open(token: string): Promise<OpenedPreview | null>
  /** `open` for a reader of the preview page: a valid link's open is counted (preview-opens.ts). */
  visit(token: string): Promise<OpenedPreview | null>
}

export function createPreviewService(deps: { db: Db; clock: Clock; publicUrl: () => URL }): PreviewService {
  const { db, clock } = deps

  async function editablePost(actorId: string, slug: string, postId: string) {
    const access = await requirePermission(db, slug, actorId, 'post.read-unpublished')
    const post = await requireVisiblePost(db, access, postId)
    assertMayModify(access, post, 'post.edit-own', 'post.edit-any')
    return { access, post }
  }

  async function create(
    actorId: string,
    slug: string,
    postId: string,
    input: CreatePreviewInput,
  ): Promise<PreviewViewData> {
    const { access, post } = await editablePost(actorId, slug, postId)
    assertNotArchived(access)
    if (post.status === 'published')
      fail('post-already-published', 'The post is public already: share its page.')
    const token = newSecret('prv_')
    const now = clock.now()
    const row: PressPreviewRow = {
      id: newId(),
      channel_id: access.channel.id,
      post_id: post.id,
      token_hash: hashSecret(token),
      label: cleanLine(input.label, '/label') ?? '',
      outlet: cleanLine(input.outlet, '/outlet') ?? '',
      email: cleanLine(input.email, '/email') ?? null,
      created_by: actorId,
      expires_at: now + (input.expiresInHours ?? 72) * HOUR_MS,
      revoked_at: null,
      created_at: now,
      opens: 0,
      last_opened_at: null,
    }
    await db.insertInto('press_preview').values(row).execute()
    return toView(row, [], `${originOf(deps.publicUrl())}/preview/${token}`)
  }

  async function list(actorId: string, slug: string, postId: string): Promise<PreviewViewData[]> {
    const { post } = await editablePost(actorId, slug, postId)
    const rows = await db
      .selectFrom('press_preview')
      .selectAll()
      .where('post_id', '=', post.id)
      .orderBy('created_at', 'desc')
      .execute()
    const opens = await openTimesOf(
      db,
      rows.map((r) => r.id),
    )
    return rows.map((r) => toView(r, opens.get(r.id) ?? []))
  }

  async function revoke(actorId: string, slug: string, postId: string, previewId: string): Promise<void> {
    const { post } = await editablePost(actorId, slug, postId)
    const row = await db
      .selectFrom('press_preview')
      .selectAll()
      .where('id', '=', previewId)
      .where('post_id', '=', post.id)
      .executeTakeFirst()
    if (!row) fail('preview-not-found', `No preview link "${previewId}" for this post.`)
    if (row.revoked_at === null) {
      await db
        .updateTable('press_preview')
        .set({ revoked_at: clock.now() })
        .where('id', '=', row.id)
        .execute()
    }
  }

  async function open(token: string): Promise<OpenedPreview | null> {
    if (!/^prv_[A-Za-z0-9_-]{43}$/.test(token)) return null
    const preview = await db
      .selectFrom('press_preview')
      .selectAll()
      .where('token_hash', '=', hashSecret(token))
      .executeTakeFirst()
    if (!preview || preview.revoked_at !== null || preview.expires_at <= clock.now()) return null
    const channel = await db
      .selectFrom('channel')
      .selectAll()
      .where('id', '=', preview.channel_id)
      .executeTakeFirstOrThrow()
    const post = await findPost(db, channel.id, preview.post_id)
    if (!post || post.status === 'deleted') return null
    return { preview, channel, post }
  }

  async function visit(token: string): Promise<OpenedPreview | null> {
    const opened = await open(token)
    if (opened) await recordOpen(db, opened.preview.id, clock.now())
    return opened
  }

  return { create, list, revoke, open, visit }
}
