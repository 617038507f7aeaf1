import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { MediaVariant, PostKind, PostStatus } from '../db/schema.js'
import { parseVariants } from '../media/index.js'
import type { FanoutRow } from './delivery-store.js'

/**
 * What a notification needs to know about a post, read at send time: a post edited before its
 * batch runs is announced as edited, one deleted or unpublished meanwhile is not announced at all.
 */
export interface PushPost {
  id: string
  channelId: string
  channelSlug: string
  channelTitle: string
  authorId: string
  kind: PostKind
  text: string
  status: PostStatus
  isDeleted: boolean
  isSpoiler: boolean
  spoilerLabel: string | null
  isSilent: boolean
  isPinned: boolean
  publishedAt: number | null
  revision: number
  /** Images in the post's album (0 for other posts). */
  photoCount: number
  /** The first image that is not marked spoiler (in the post or on the media itself). */
  firstClearImage: { mediaId: string; variants: MediaVariant[] } | null
  /** The poll's or prompt's question. */
  question: string | null
}

/** The post and channel columns a notification is built from (toPushPost). */
const pushPostColumns = [
  'p.id',
  'p.channel_id',
  'p.author_id',
  'p.kind',
  'p.text',
  'p.status',
  'p.deleted_at',
  'p.spoiler',
  'p.spoiler_label',
  'p.silent',
  'p.pinned_at',
  'p.published_at',
  'p.revision',
  'c.slug',
  'c.title',
] as const

/**
 * The post's row and its album, compiled once (db/prepared.ts): every published post starts a
 * notification run that reads them, so they are on the path of every post.
 */
const pushPostRow = preparedQuery((db: DbOrTx, postId: string) =>
  db
    .selectFrom('post as p')
    .innerJoin('channel as c', 'c.id', 'p.channel_id')
    .select(pushPostColumns)
    .where('p.id', '=', postId),
)

/**
 * A run's record and its post in one query (one round trip fewer for every run). A run cannot
 * outlive its post: push_fanout.post_id cascades on delete.
 */
const runWithPostRow = preparedQuery((db: DbOrTx, fanoutId: string) =>
  db
    .selectFrom('push_fanout as f')
    .innerJoin('post as p', 'p.id', 'f.post_id')
    .innerJoin('channel as c', 'c.id', 'p.channel_id')
    .select(pushPostColumns)
    .select([
      'f.id as run_id',
      'f.reason as run_reason',
      'f.published_at as run_published_at',
      'f.batches as run_batches',
      'f.batches_done as run_batches_done',
      'f.done_at as run_done_at',
    ])
    .where('f.id', '=', fanoutId),
)

const pushPostImages = preparedQuery((db: DbOrTx, postId: string) =>
  db
    .selectFrom('post_media as pm')
    .innerJoin('media as m', 'm.id', 'pm.media_id')
    .select([
      'pm.media_id',
      'pm.spoiler as post_spoiler',
      'm.spoiler as media_spoiler',
      'm.variants',
      'm.status',
    ])
    .where('pm.post_id', '=', postId)
    .orderBy('pm.position'),
)

export async function loadPushPost(db: DbOrTx, postId: string): Promise<PushPost | null> {
  const [row] = (await pushPostRow(db, postId)).rows
  return row ? toPushPost(db, row) : null
}

/** A notification run and the post it announces; null when no such run is recorded. */
export async function loadRunWithPost(
  db: DbOrTx,
  fanoutId: string,
): Promise<{ run: FanoutRow; post: PushPost } | null> {
  const [row] = (await runWithPostRow(db, fanoutId)).rows
  if (!row) return null
  const run: FanoutRow = {
    id: row.run_id,
    post_id: row.id,
    reason: row.run_reason,
    published_at: row.run_published_at,
    batches: row.run_batches,
    batches_done: row.run_batches_done,
    done_at: row.run_done_at,
  }
  return { run, post: await toPushPost(db, row) }
}

type PushPostRow = Awaited<ReturnType<typeof pushPostRow>>['rows'][number]

async function toPushPost(db: DbOrTx, row: PushPostRow): Promise<PushPost> {
  // Only albums have images: other posts skip the query (a round trip on PostgreSQL).
  const images = row.kind === 'album' ? (await pushPostImages(db, row.id)).rows : []
  const clear = images.find((i) => i.post_spoiler === 0 && i.media_spoiler === 0 && i.status === 'ready')
  return {
    id: row.id,
    channelId: row.channel_id,
    channelSlug: row.slug,
    channelTitle: row.title,
    authorId: row.author_id,
    kind: row.kind,
    text: row.text,
    status: row.status,
    isDeleted: row.deleted_at !== null,
    isSpoiler: row.spoiler === 1,
    spoilerLabel: row.spoiler_label,
    isSilent: row.silent === 1,
    isPinned: row.pinned_at !== null,
    publishedAt: row.published_at,
    revision: row.revision,
    photoCount: images.length,
    firstClearImage: clear ? { mediaId: clear.media_id, variants: parseVariants(clear) } : null,
    question: await loadQuestion(db, row.id, row.kind),
  }
}

async function loadQuestion(db: DbOrTx, postId: string, kind: PostKind): Promise<string | null> {
  if (kind === 'poll') {
    const poll = await db
      .selectFrom('poll')
      .select('question')
      .where('post_id', '=', postId)
      .executeTakeFirst()
    return poll?.question ?? null
  }
  if (kind === 'prompt') {
    const prompt = await db
      .selectFrom('prompt')
      .select('question')
      .where('post_id', '=', postId)
      .executeTakeFirst()
    return prompt?.question ?? null
  }
  return null
}

/** Whether the post may be announced at all right now. */
export function isAnnounceable(post: PushPost | null): post is PushPost {
  return post !== null && post.status === 'published' && !post.isDeleted && !post.isSilent
}
