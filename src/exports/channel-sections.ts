import type { Db } from '../db/database.js'
import type { ChannelRow, MediaRow, PollRow, PostRow } from '../db/schema.js'
import { readTallies } from '../interactions/index.js'
import { mediaKindOf } from '../media/index.js'
import { avDocument, avFiles } from './channel-av.js'
import { pages } from './paging.js'
import { countOf, type MediaFile, mediaFileName, type Section } from './sections.js'

/**
 * What a channel archive holds (issue 17 point 2; docs/export-format.md), in the order `backlot
 * import` reads it back. Rows keep the stored values (epoch-millisecond times, 0/1 flags as
 * booleans) so an import rebuilds an equal channel; people appear only as the handle and display
 * name the public pages already show (authors, audit actors). Nothing personal to fans is exported:
 * no member list, no ballots or reactions by person, no prompt answers — poll totals only.
 * Deleted posts and the images only they used are left out: deleted means gone.
 */
export function channelSections(channel: ChannelRow): Section[] {
  return [
    {
      file: 'audit.jsonl',
      about: "The channel's audit log: staff actions, who did them (handle) and when.",
      count: (db) =>
        countOf(
          db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('channel_id', '=', channel.id),
        ),
      rows: (db) => auditRows(db, channel.id),
    },
    {
      file: 'media.jsonl',
      about:
        "Every item of the channel's albums: size, blurhash, texts, and `file`, its original in media/; a video or voice note's `av` lists its files under media/<id>/.",
      count: (db) => countOf(channelMedia(db, channel.id).select((eb) => eb.fn.countAll().as('n'))),
      rows: (db) => mediaRows(db, channel.id),
    },
    {
      file: 'posts.jsonl',
      about:
        'Every post that is not deleted, oldest first, with its edit history, album (credits, rights, spoilers), poll with totals, prompt question and production tags.',
      count: (db) =>
        countOf(
          db
            .selectFrom('post')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('channel_id', '=', channel.id)
            .where('status', '<>', 'deleted'),
        ),
      rows: (db) => postRows(db, channel),
    },
  ]
}

/** The channel row and production facts, as channel.json. */
export async function channelDocument(db: Db, channel: ChannelRow) {
  const members = await countOf(
    db
      .selectFrom('channel_member')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('channel_id', '=', channel.id),
  )
  const owner = await db
    .selectFrom('channel_member')
    .innerJoin('account', 'account.id', 'channel_member.account_id')
    .select('account.handle')
    .where('channel_member.channel_id', '=', channel.id)
    .where('channel_member.role', '=', 'owner')
    .executeTakeFirst()
  return {
    slug: channel.slug,
    owner: owner?.handle ?? null,
    title: channel.title,
    description: channel.description,
    visibility: channel.visibility,
    joinPolicy: channel.join_policy,
    reactionSet: channel.reaction_set === null ? null : JSON.parse(channel.reaction_set),
    production: channel.production === null ? null : JSON.parse(channel.production),
    requireApproval: channel.require_approval === 1,
    archivedAt: channel.archived_at,
    createdAt: channel.created_at,
    updatedAt: channel.updated_at,
    membersCount: members,
  }
}

/** The images used by the channel's posts that are not deleted. */
function channelMedia(db: Db, channelId: string) {
  return db
    .selectFrom('media')
    .where('media.id', 'in', (eb) =>
      eb
        .selectFrom('post_media as pm')
        .innerJoin('post as p', 'p.id', 'pm.post_id')
        .select('pm.media_id')
        .where('p.channel_id', '=', channelId)
        .where('p.status', '<>', 'deleted'),
    )
}

/**
 * The files of the channel's media: each image's original; each video's or voice note's
 * renditions, poster and caption tracks (channel-av.ts).
 */
export async function* channelMediaFiles(db: Db, channelId: string): AsyncIterable<MediaFile> {
  for await (const m of channelMediaRows(db, channelId)) {
    const av = avFiles(m)
    if (mediaKindOf(m.mime) !== 'image') yield* av
    else if (m.original_key) yield { file: mediaFileName(m.id, m.original_key), key: m.original_key }
  }
}

export async function countChannelMediaFiles(db: Db, channelId: string): Promise<number> {
  let n = 0
  for await (const m of channelMediaRows(db, channelId)) {
    n += mediaKindOf(m.mime) !== 'image' ? avFiles(m).length : m.original_key ? 1 : 0
  }
  return n
}

function channelMediaRows(db: Db, channelId: string) {
  return pages(
    (after, limit) =>
      channelMedia(db, channelId)
        .selectAll('media')
        .$if(after !== null, (q) => q.where('media.id', '>', after!))
        .orderBy('media.id')
        .limit(limit)
        .execute(),
    (r) => r.id,
  )
}

async function* auditRows(db: Db, channelId: string) {
  const rows = pages(
    (after, limit) =>
      db
        .selectFrom('audit_log as l')
        .innerJoin('account as actor', 'actor.id', 'l.actor_id')
        .leftJoin('account as target', 'target.id', 'l.target_account_id')
        .select(['l.id', 'l.action', 'actor.handle as actor', 'target.handle as target'])
        .select(['l.target_post_id', 'l.details', 'l.created_at'])
        .where('l.channel_id', '=', channelId)
        .$if(after !== null, (q) => q.where('l.id', '>', after!))
        .orderBy('l.id')
        .limit(limit)
        .execute(),
    (r) => r.id,
  )
  for await (const r of rows) yield toAuditDocument(r)
}

function toAuditDocument(r: {
  id: string
  action: string
  actor: string
  target: string | null
  target_post_id: string | null
  details: string
  created_at: number
}) {
  return {
    id: r.id,
    action: r.action,
    actor: r.actor,
    target: r.target,
    targetPost: r.target_post_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: Number(r.created_at),
  }
}

export type AuditDocument = ReturnType<typeof toAuditDocument>

async function* mediaRows(db: Db, channelId: string) {
  for await (const m of channelMediaRows(db, channelId)) yield toMediaDocument(m)
}

function toMediaDocument(m: MediaRow) {
  return {
    id: m.id,
    status: m.status,
    type: m.mime,
    width: m.width,
    height: m.height,
    blurhash: m.blurhash,
    alt: m.alt,
    credit: m.credit,
    rights: m.rights,
    spoiler: m.spoiler === 1,
    spoilerLabel: m.spoiler_label,
    bytes: Number(m.bytes),
    file: m.original_key ? mediaFileName(m.id, m.original_key) : null,
    createdAt: Number(m.created_at),
    readyAt: m.ready_at === null ? null : Number(m.ready_at),
    // A video or voice note: its renditions, poster and captions (channel-av.ts); absent for a photo.
    ...(avDocument(m) && { av: avDocument(m) }),
  }
}

export type MediaDocument = ReturnType<typeof toMediaDocument>
export type ChannelDocument = Awaited<ReturnType<typeof channelDocument>>

/** Posts a page at a time; each page's history, albums, polls, prompts and tags in one query each. */
async function* postRows(db: Db, channel: ChannelRow) {
  let after: string | null = null
  for (;;) {
    const posts: (PostRow & { author_handle: string; author_name: string })[] = await db
      .selectFrom('post')
      .innerJoin('account', 'account.id', 'post.author_id')
      .selectAll('post')
      .select(['account.handle as author_handle', 'account.display_name as author_name'])
      .where('post.channel_id', '=', channel.id)
      .where('post.status', '<>', 'deleted')
      .$if(after !== null, (q) => q.where('post.id', '>', after!))
      .orderBy('post.id')
      .limit(200)
      .execute()
    if (posts.length === 0) return
    const parts = await postParts(
      db,
      channel.id,
      posts.map((p) => p.id),
    )
    for (const p of posts) yield postDocument(p, parts)
    if (posts.length < 200) return
    after = posts[posts.length - 1]!.id
  }
}

async function postParts(db: Db, channelId: string, ids: string[]) {
  const [revisions, album, polls, prompts, tags] = await Promise.all([
    db
      .selectFrom('post_revision as r')
      .innerJoin('account', 'account.id', 'r.editor_id')
      .select(['r.post_id', 'r.revision', 'r.snapshot', 'r.created_at', 'account.handle as editor'])
      .where('r.post_id', 'in', ids)
      .orderBy('r.post_id')
      .orderBy('r.revision')
      .execute(),
    db
      .selectFrom('post_media')
      .selectAll()
      .where('post_id', 'in', ids)
      .orderBy('post_id')
      .orderBy('position')
      .execute(),
    db.selectFrom('poll').selectAll().where('post_id', 'in', ids).execute(),
    db.selectFrom('prompt').selectAll().where('post_id', 'in', ids).execute(),
    db.selectFrom('post_production').selectAll().where('post_id', 'in', ids).execute(),
  ])
  const pollMap = new Map<string, PollRow>(polls.map((p) => [p.post_id, p]))
  const tallies = await readTallies(db, channelId, pollMap)
  return {
    revisions: groupBy(revisions, (r) => r.post_id),
    album: groupBy(album, (r) => r.post_id),
    polls: pollMap,
    tallies,
    prompts: new Map(prompts.map((p) => [p.post_id, p])),
    tags: new Map(tags.map((t) => [t.post_id, t])),
  }
}

type Parts = Awaited<ReturnType<typeof postParts>>

function postDocument(p: PostRow & { author_handle: string; author_name: string }, parts: Parts) {
  const poll = parts.polls.get(p.id)
  const tally = parts.tallies.get(p.id)
  const tags = parts.tags.get(p.id)
  return {
    id: p.id,
    kind: p.kind,
    author: { handle: p.author_handle, displayName: p.author_name },
    text: p.text,
    status: p.status,
    publishAt: p.publish_at,
    publishedAt: p.published_at,
    editedAt: p.edited_at,
    pinnedAt: p.pinned_at,
    spoiler: p.spoiler === 1,
    spoilerLabel: p.spoiler_label,
    silent: p.silent === 1,
    revision: p.revision,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    history: (parts.revisions.get(p.id) ?? []).map((r) => ({
      revision: r.revision,
      editor: r.editor,
      before: JSON.parse(r.snapshot),
      createdAt: Number(r.created_at),
    })),
    album: (parts.album.get(p.id) ?? []).map((m) => ({
      media: m.media_id,
      position: m.position,
      alt: m.alt,
      credit: m.credit,
      rights: m.rights,
      spoiler: m.spoiler === 1,
      spoilerLabel: m.spoiler_label,
    })),
    poll: poll
      ? {
          question: poll.question,
          options: JSON.parse(poll.options) as string[],
          multiple: poll.multiple === 1,
          quizCorrect: poll.quiz_correct,
          quizExplanation: poll.quiz_explanation,
          resultsVisibility: poll.results_visibility,
          closesAt: poll.closes_at,
          closedAt: poll.closed_at,
          totals: tally ?? { voters: 0, votes: [] },
        }
      : null,
    prompt: parts.prompts.get(p.id)?.question ?? null,
    production: tags
      ? {
          weekFrom: tags.week_from,
          weekTo: tags.week_to,
          chapters: JSON.parse(tags.chapters) as number[],
          location: tags.location,
          unit: tags.unit,
        }
      : null,
  }
}

export type ChannelPostDocument = ReturnType<typeof postDocument>

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const row of rows) {
    const list = out.get(key(row))
    if (list) list.push(row)
    else out.set(key(row), [row])
  }
  return out
}
