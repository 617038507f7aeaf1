import { sql } from 'kysely'
import { chapterName, type ProductionViewData, productionOf } from '../channels/index.js'
import type { Db, DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { PostProductionRow, PostRow } from '../db/schema.js'
import { LANGUAGES, translator } from '../i18n/index.js'
import { findLinks } from '../posts/index.js'
import { toTagsView } from '../production/index.js'
import { spoilerLiftsAt } from '../reads/index.js'
import { replaceDocument, type SearchDocument } from './store.js'

/**
 * Writes a published post's search document inside the transaction that published or edited it
 * (the post hooks call this): the old document goes, the new one is indexed by the database's own
 * triggers (SQLite) or generated columns (PostgreSQL) in the same statement. A rollback takes it
 * back with the post.
 */
export async function indexPost(tx: DbOrTx, post: PostRow): Promise<void> {
  await replaceDocument(tx, await documentOf(tx, post))
}

/** One row of `partsQuery`: which part (`kind`) and its values in generic columns. */
interface PartRow {
  kind: 'c' | 'i' | 'p' | 'q' | 't'
  pos: number
  t1: string | null
  t2: string | null
  t3: string | null
  n1: number | null
  n2: number | null
}

/**
 * Everything a document is made of besides the post row — the channel's production facts (c),
 * the images' alt text and spoiler flags (i), the poll (p), the prompt (q), the production tags
 * (t) — in ONE statement (a UNION ALL, same SQL on both dialects), compiled once: five queries
 * were five round trips inside every publishing transaction on PostgreSQL (issue 21 part 3).
 */
const partsQuery = preparedQuery((db: DbOrTx, channelId: string, postId: string) =>
  db
    .selectFrom('channel')
    .select([
      sql<string>`'c'`.as('kind'),
      sql<number>`0`.as('pos'),
      'production as t1',
      sql<string | null>`null`.as('t2'),
      sql<string | null>`null`.as('t3'),
      sql<number | null>`null`.as('n1'),
      sql<number | null>`null`.as('n2'),
    ])
    .where('id', '=', channelId)
    .unionAll(
      db
        .selectFrom('post_media as pm')
        .innerJoin('media as m', 'm.id', 'pm.media_id')
        .select([
          sql<string>`'i'`.as('kind'),
          'pm.position as pos',
          'pm.alt as t1',
          'm.alt as t2',
          sql<string | null>`null`.as('t3'),
          'pm.spoiler as n1',
          'm.spoiler as n2',
        ])
        .where('pm.post_id', '=', postId),
    )
    .unionAll(
      db
        .selectFrom('poll')
        .select([
          sql<string>`'p'`.as('kind'),
          sql<number>`0`.as('pos'),
          'question as t1',
          'options as t2',
          sql<string | null>`null`.as('t3'),
          sql<number | null>`null`.as('n1'),
          sql<number | null>`null`.as('n2'),
        ])
        .where('post_id', '=', postId),
    )
    .unionAll(
      db
        .selectFrom('prompt')
        .select([
          sql<string>`'q'`.as('kind'),
          sql<number>`0`.as('pos'),
          'question as t1',
          sql<string | null>`null`.as('t2'),
          sql<string | null>`null`.as('t3'),
          sql<number | null>`null`.as('n1'),
          sql<number | null>`null`.as('n2'),
        ])
        .where('post_id', '=', postId),
    )
    .unionAll(
      db
        .selectFrom('post_production')
        .select([
          sql<string>`'t'`.as('kind'),
          sql<number>`0`.as('pos'),
          'chapters as t1',
          'location as t2',
          'unit as t3',
          'week_from as n1',
          'week_to as n2',
        ])
        .where('post_id', '=', postId),
    ),
)

/** The searchable words of a post and the facts its filters need, read in the same transaction. */
async function documentOf(tx: DbOrTx, post: PostRow): Promise<SearchDocument> {
  const { rows } = (await partsQuery(tx, post.channel_id, post.id)) as { rows: PartRow[] }
  const part = (kind: PartRow['kind']) => rows.find((r) => r.kind === kind)
  const channelRow = part('c')
  if (!channelRow) throw new Error(`channel ${post.channel_id} of post ${post.id} is gone`)
  const channel = { production: channelRow.t1 }
  const images = rows
    .filter((r) => r.kind === 'i')
    .sort((a, b) => Number(a.pos) - Number(b.pos))
    .map((r) => ({
      alt: r.t1 ?? '',
      media_alt: r.t2 ?? '',
      spoiler: Number(r.n1),
      media_spoiler: Number(r.n2),
    }))
  const t = part('t')
  const tags: PostProductionRow | undefined = t && {
    post_id: post.id,
    channel_id: post.channel_id,
    chapters: t.t1!,
    location: t.t2,
    unit: t.t3,
    week_from: t.n1 === null ? null : Number(t.n1),
    week_to: t.n2 === null ? null : Number(t.n2),
  }
  const p = part('p')
  const poll = p && { question: p.t1!, options: p.t2! }
  const q = part('q')
  const prompt = q && { question: q.t1! }
  const isSpoiler = post.spoiler === 1
  // A spoiler post hides all its words from outsiders; otherwise only a spoiler image's alt text.
  const open: string[] = []
  const hidden: string[] = []
  const postWords = [post.text, poll?.question ?? '', ...(poll ? (JSON.parse(poll.options) as string[]) : [])]
  postWords.push(prompt?.question ?? '')
  ;(isSpoiler ? hidden : open).push(...postWords)
  for (const image of images) {
    const alt = image.alt || image.media_alt
    ;(isSpoiler || image.spoiler === 1 || image.media_spoiler === 1 ? hidden : open).push(alt)
  }
  const facts = toTagsView(tags)
  return {
    post_id: post.id,
    channel_id: post.channel_id,
    author_id: post.author_id,
    kind: post.kind,
    published_at: post.published_at ?? post.created_at,
    is_spoiler: isSpoiler ? 1 : 0,
    spoiler_label: post.spoiler_label,
    has_link: findLinks(post.text).length > 0 ? 1 : 0,
    week_from: facts?.weeks?.from ?? null,
    week_to: facts?.weeks?.to ?? null,
    chapters: facts && facts.chapters.length > 0 ? `,${facts.chapters.join(',')},` : '',
    location: facts?.location ?? null,
    unit: facts?.unit ?? null,
    open_text: joinText(open),
    hidden_text: joinText(hidden),
    tags_text: tagWords(productionOf(channel), tags),
    lifts_at: joinText(hidden) !== '' ? spoilerLiftsAt(productionOf(channel), facts?.chapters ?? []) : null,
  }
}

/**
 * Keeps `lifts_at` true to a channel's new production facts (air dates, the auto-lift switch), in
 * the transaction that changes them: one UPDATE per distinct set of chapters among the channel's
 * documents with hidden text (a handful), never one per post.
 */
export async function reliftChannel(
  tx: DbOrTx,
  channelId: string,
  production: ProductionViewData | null,
): Promise<void> {
  const groups = await tx
    .selectFrom('search_post')
    .select('chapters')
    .distinct()
    .where('channel_id', '=', channelId)
    .where('chapters', '!=', '')
    .where('hidden_text', '!=', '')
    .execute()
  for (const { chapters } of groups) {
    const numbers = chapters.split(',').filter(Boolean).map(Number)
    await tx
      .updateTable('search_post')
      .set({ lifts_at: spoilerLiftsAt(production, numbers) })
      .where('channel_id', '=', channelId)
      .where('chapters', '=', chapters)
      .where('hidden_text', '!=', '')
      .execute()
  }
}

const joinText = (parts: readonly string[]) => parts.filter((p) => p.length > 0).join('\n')

/** The widest week range spelled out word by word ("week 11 week 12 …"); wider ranges stop here. */
const WEEKS_SPELLED_MAX = 52

/**
 * A post's production tags in the words people search for, in every language the server speaks:
 * "Week 12" finds a post tagged weeks 11–14, "Chapter 8", "Capítulo 8" and the chapter's title find
 * a post tagged chapter 8, and the location and unit as written.
 */
function tagWords(production: ProductionViewData | null, row: PostProductionRow | undefined): string {
  const tags = toTagsView(row)
  if (!tags) return ''
  const t = translator()
  const words = new Set<string>()
  for (const language of LANGUAGES) {
    if (tags.weeks) {
      const last = Math.min(tags.weeks.to, tags.weeks.from + WEEKS_SPELLED_MAX - 1)
      for (let week = tags.weeks.from; week <= last; week++) words.add(t.t(language, 'labels:week', { week }))
    }
    for (const n of tags.chapters) words.add(chapterName(production, n, true, language))
  }
  if (tags.location) words.add(tags.location)
  if (tags.unit) words.add(tags.unit)
  return [...words].join('\n')
}

/** Posts indexed per transaction by `indexMissing`. */
const BACKFILL_BATCH = 100

/**
 * Indexes every published post that has no search document: the posts published before search
 * existed (migration 0018 creates an empty index), and posts written without the post hooks (a
 * channel imported from an archive). Batches of short transactions by post id, so a large server is
 * indexed without one long lock; each post is re-read with its row locked (a no-op UPDATE, as
 * posts/store.ts lockPost) so a post deleted meanwhile is skipped, not indexed after its deletion.
 * Returns how many posts it indexed.
 */
export async function indexMissing(db: Db): Promise<number> {
  let after = ''
  let indexed = 0
  for (;;) {
    const ids = await db
      .selectFrom('post as p')
      .select('p.id')
      .where('p.status', '=', 'published')
      .where('p.id', '>', after)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('search_post as d').select('d.doc_id').whereRef('d.post_id', '=', 'p.id'))),
      )
      .orderBy('p.id')
      .limit(BACKFILL_BATCH)
      .execute()
    if (ids.length === 0) return indexed
    await db.transaction().execute(async (tx) => {
      for (const { id } of ids) {
        const post = await tx
          .updateTable('post')
          .set((eb) => ({ updated_at: eb.ref('updated_at') }))
          .where('id', '=', id)
          .where('status', '=', 'published')
          .returningAll()
          .executeTakeFirst()
        if (!post) continue
        await indexPost(tx, post)
        indexed++
      }
    })
    after = ids.at(-1)!.id
  }
}
