import type { ChannelAccess } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { ReportTargetKind } from '../db/schema.js'
import { fail } from '../errors.js'
import { mediaFileUrls } from '../media/index.js'
import { requireVisiblePost } from '../posts/index.js'
import type { CaseKey } from './store.js'

/** What a report names: the item, in the channel of the path. */
export interface TargetInput {
  kind: ReportTargetKind
  postId?: string
  mediaId?: string
  answerId?: string
}

function required(field: string): never {
  fail('validation', `Invalid body: ${field.slice(1)} is required for this kind of report.`, {
    errors: [{ field, message: 'is required' }],
  })
}

/**
 * The item a reporter names, if they can see it: the channel itself; a post they may read; an image
 * of such a post's album; an answer shown on such a post (a highlighted one — fans never see
 * others' other answers; staff see them all). Anything else is the same 404 as an unknown id.
 */
export async function resolveTarget(db: DbOrTx, access: ChannelAccess, input: TargetInput): Promise<CaseKey> {
  const channelId = access.channel.id
  if (input.kind === 'channel')
    return { channelId, kind: 'channel', targetId: channelId, postId: null, authorId: null }
  if (!input.postId) required('/postId')
  const post = await requireVisiblePost(db, access, input.postId)
  if (input.kind === 'post') {
    return { channelId, kind: 'post', targetId: post.id, postId: post.id, authorId: post.author_id }
  }
  if (input.kind === 'image') {
    if (!input.mediaId) required('/mediaId')
    const link = await db
      .selectFrom('post_media')
      .select('media_id')
      .where('post_id', '=', post.id)
      .where('media_id', '=', input.mediaId)
      .executeTakeFirst()
    if (!link) fail('media-not-found', `No image "${input.mediaId}" in this post.`)
    return { channelId, kind: 'image', targetId: link.media_id, postId: post.id, authorId: post.author_id }
  }
  if (!input.answerId) required('/answerId')
  const answer = await db
    .selectFrom('prompt_answer')
    .select(['id', 'account_id', 'highlighted_at', 'hidden_at'])
    .where('post_id', '=', post.id)
    .where('id', '=', input.answerId)
    .executeTakeFirst()
  const isShown = answer && answer.hidden_at === null && answer.highlighted_at !== null
  if (!answer || (!isShown && access.role === null))
    fail('answer-not-found', `No answer "${input.answerId}" here.`)
  return { channelId, kind: 'answer', targetId: answer.id, postId: post.id, authorId: answer.account_id }
}

export interface TargetDetails {
  excerpt: string | null
  imageUrl: string | null
  exists: boolean
}

const EXCERPT = 280
const cut = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text)

/**
 * What the queue shows of each item, read now: deleted content is gone, so a case never keeps a
 * copy of it (only the ids and the reports). Batched per kind.
 */
export async function loadTargetDetails(
  db: DbOrTx,
  publicUrl: URL,
  cases: readonly { id: string; target_kind: ReportTargetKind; target_id: string; post_id: string | null }[],
): Promise<Map<string, TargetDetails>> {
  const result = new Map<string, TargetDetails>()
  const ids = (kind: ReportTargetKind) => cases.filter((c) => c.target_kind === kind).map((c) => c.target_id)
  const postIds = [...new Set(cases.map((c) => c.post_id).filter((id): id is string => id !== null))]
  const posts = postIds.length
    ? await db.selectFrom('post').select(['id', 'text', 'status']).where('id', 'in', postIds).execute()
    : []
  const postById = new Map(posts.map((p) => [p.id, p]))
  const answerIds = ids('answer')
  const answers = answerIds.length
    ? await db
        .selectFrom('prompt_answer')
        .select(['id', 'text', 'hidden_at'])
        .where('id', 'in', answerIds)
        .execute()
    : []
  const answerById = new Map(answers.map((a) => [a.id, a]))
  const imageIds = ids('image')
  const images = imageIds.length
    ? await db
        .selectFrom('post_media')
        .innerJoin('media', 'media.id', 'post_media.media_id')
        .select(['media.id', 'media.variants', 'media.original_key', 'post_media.alt'])
        .where('media.id', 'in', imageIds)
        .execute()
    : []
  const imageById = new Map(images.map((m) => [m.id, m]))
  for (const c of cases) {
    const post = c.post_id ? postById.get(c.post_id) : undefined
    const postLives = !!post && post.status !== 'deleted'
    if (c.target_kind === 'post') {
      result.set(c.id, {
        excerpt: postLives ? cut(post!.text) || null : null,
        imageUrl: null,
        exists: postLives,
      })
    } else if (c.target_kind === 'answer') {
      const answer = answerById.get(c.target_id)
      const lives = postLives && !!answer && answer.hidden_at === null
      result.set(c.id, { excerpt: lives ? cut(answer!.text) : null, imageUrl: null, exists: lives })
    } else if (c.target_kind === 'image') {
      const image = imageById.get(c.target_id)
      const lives = postLives && !!image
      const variants = lives ? mediaFileUrls(publicUrl, image!.id, image!).variants : []
      const small = [...variants].sort((a, b) => a.width - b.width)[0]
      result.set(c.id, {
        excerpt: lives ? image!.alt || null : null,
        imageUrl: small?.url ?? null,
        exists: lives,
      })
    } else {
      result.set(c.id, { excerpt: null, imageUrl: null, exists: true })
    }
  }
  return result
}
