import { sql } from 'kysely'
import { requirePermission } from '../channels/index.js'
import type { Db, DbOrTx } from '../db/database.js'
import { detectWatermark, SCORE_THRESHOLD, watermarkKey } from '../watermark/index.js'

/** Links tried per trace, newest first: bounds the work (each costs a few milliseconds). */
export const TRACE_CANDIDATES = 3000

/** One issued press link an image may have come from. */
export interface TracedSource {
  kind: 'preview' | 'kit'
  linkId: string
  channelSlug: string
  /** The post the link shows; null for a digest's press kit. */
  postId: string | null
  /** The digest of a digest's press kit; null otherwise. */
  digestId: string | null
  recipient: string
  outlet: string
  email: string | null
  createdAt: number
  revokedAt: number | null
}

export interface TraceResult {
  /** The link the image was served through, or null: "no watermark found". */
  source: TracedSource | null
  /** How far the match stands out (a z-score; SCORE_THRESHOLD or more attributes). */
  score: number
  /** The runner-up's score: how clearly no other link fits. */
  nextScore: number
  threshold: number
  /** How many issued links were tried. */
  candidates: number
  /** The image's scale relative to the served copy, as detected (0.5 = resized to half). */
  scale: number
}

/**
 * Which press link a leaked image came from (issue 19 part 4, `backlot trace`): the image is
 * tested against the watermark key of every press preview and press kit link issued (revoked and
 * expired ones too: a leak may predate the revocation), in one channel or all. Links of deleted
 * posts are gone with them and cannot be traced.
 */
export async function traceLeak(
  db: DbOrTx,
  image: Buffer,
  options: { channelId?: string } = {},
): Promise<TraceResult> {
  const sources = await issuedLinks(db, options.channelId)
  const detection = await detectWatermark(
    image,
    sources.map(({ source, tokenHash }) => ({ id: source, key: watermarkKey(tokenHash) })),
  )
  return {
    source: detection.match?.id ?? null,
    score: round(detection.scores[0]?.score ?? 0),
    nextScore: round(detection.scores[1]?.score ?? 0),
    threshold: SCORE_THRESHOLD,
    candidates: sources.length,
    scale: round(detection.scale),
  }
}

async function issuedLinks(db: DbOrTx, channelId: string | undefined) {
  let previews = db
    .selectFrom('press_preview')
    .innerJoin('channel', 'channel.id', 'press_preview.channel_id')
    .select([
      'press_preview.id',
      'press_preview.post_id',
      sql<string | null>`null`.as('digest_id'),
      'press_preview.token_hash',
      'press_preview.label as recipient',
      'press_preview.outlet',
      'press_preview.email',
      'press_preview.created_at',
      'press_preview.revoked_at',
      'channel.slug',
    ])
    .orderBy('press_preview.created_at', 'desc')
    .limit(TRACE_CANDIDATES)
  let kits = db
    .selectFrom('press_kit')
    .innerJoin('channel', 'channel.id', 'press_kit.channel_id')
    .select([
      'press_kit.id',
      'press_kit.post_id',
      'press_kit.digest_id',
      'press_kit.token_hash',
      'press_kit.recipient',
      'press_kit.outlet',
      'press_kit.email',
      'press_kit.created_at',
      'press_kit.revoked_at',
      'channel.slug',
    ])
    .orderBy('press_kit.created_at', 'desc')
    .limit(TRACE_CANDIDATES)
  if (channelId) {
    previews = previews.where('press_preview.channel_id', '=', channelId)
    kits = kits.where('press_kit.channel_id', '=', channelId)
  }
  const tagged = [
    ...(await previews.execute()).map((row) => ({ kind: 'preview' as const, row })),
    ...(await kits.execute()).map((row) => ({ kind: 'kit' as const, row })),
  ]
  tagged.sort((a, b) => b.row.created_at - a.row.created_at)
  return tagged.slice(0, TRACE_CANDIDATES).map(({ kind, row }) => ({
    tokenHash: row.token_hash,
    source: {
      kind,
      linkId: row.id,
      channelSlug: row.slug,
      postId: row.post_id,
      digestId: row.digest_id,
      recipient: row.recipient,
      outlet: row.outlet,
      email: row.email,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
    } satisfies TracedSource,
  }))
}

const round = (n: number) => Math.round(n * 100) / 100

/**
 * The channel an owner or admin may trace leaks of (`post.edit-any`): checked before the image is
 * read, so nobody else gets the server to decode and search an image.
 */
export async function traceableChannel(db: Db, actorId: string, slug: string): Promise<string> {
  const access = await requirePermission(db, slug, actorId, 'post.edit-any')
  return access.channel.id
}
