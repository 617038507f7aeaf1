import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { mapRows, pages } from './paging.js'
import { countOf, iso, type MediaFile, mediaFileName, type Section } from './sections.js'

type Table = 'channel_member' | 'post' | 'post_reaction' | 'poll_ballot' | 'prompt_answer'
type OwnTable = Table | 'push_subscription' | 'session' | 'api_token' | 'media'

/** One section over the person's rows: counted in `table`, read page by page, shown by `present`. */
function section<T>(spec: {
  file: string
  about: string
  table: OwnTable
  /** The column naming the person in `table`. */
  column: 'account_id' | 'author_id' | 'owner_id'
  page: (db: Db, after: string | null, limit: number) => Promise<T[]>
  key: (row: T) => string
  present: (row: T) => unknown
  accountId: string
}): Section {
  return {
    file: spec.file,
    about: spec.about,
    count: (db) =>
      countOf(
        db
          .selectFrom(spec.table)
          .select((eb) => eb.fn.countAll().as('n'))
          // biome-ignore lint/suspicious/noExplicitAny: the column exists on the table named beside it
          .where(spec.column as any, '=', spec.accountId)
          // Deleted posts are gone: neither counted nor written.
          .$if(spec.table === 'post', (q) => q.where(sql<boolean>`status <> 'deleted'`)),
      ),
    rows: (db) =>
      mapRows(
        pages((after, limit) => spec.page(db, after, limit), spec.key),
        spec.present,
      ),
  }
}

/**
 * What a person's own archive holds (issue 17 point 2), one section per file. Each query is
 * restricted to rows of the person (`account_id` / `owner_id` / `author_id` = them) and names other
 * people nowhere: channels by slug and title, posts by id. Password hashes, session and token
 * hashes and push keys are never selected.
 */
export function personSections(accountId: string): Section[] {
  return [
    section({
      file: 'memberships.jsonl',
      about: 'The channels you belong to, your role there and your notification settings (muted, level).',
      table: 'channel_member',
      column: 'account_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('channel_member as m')
          .innerJoin('channel as c', 'c.id', 'm.channel_id')
          .select(['c.id', 'c.slug', 'c.title', 'm.role', 'm.muted', 'm.notify_level', 'm.joined_at'])
          .where('m.account_id', '=', accountId)
          .$if(after !== null, (q) => q.where('c.id', '>', after!))
          .orderBy('c.id')
          .limit(limit)
          .execute(),
      key: (r) => r.id,
      present: (r) => ({
        channel: r.slug,
        title: r.title,
        role: r.role,
        muted: r.muted === 1,
        notifications: r.notify_level,
        joinedAt: iso(r.joined_at),
      }),
    }),
    section({
      file: 'posts.jsonl',
      about: 'Posts you wrote (drafts, scheduled and published; deleted posts are gone).',
      table: 'post',
      column: 'author_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('post as p')
          .innerJoin('channel as c', 'c.id', 'p.channel_id')
          .select(['p.id', 'c.slug', 'p.kind', 'p.text', 'p.status', 'p.publish_at', 'p.published_at'])
          .select(['p.edited_at', 'p.spoiler', 'p.spoiler_label', 'p.created_at'])
          .where('p.author_id', '=', accountId)
          .where('p.status', '<>', 'deleted')
          .$if(after !== null, (q) => q.where('p.id', '>', after!))
          .orderBy('p.id')
          .limit(limit)
          .execute(),
      key: (r) => r.id,
      present: (r) => ({
        id: r.id,
        channel: r.slug,
        kind: r.kind,
        text: r.text,
        status: r.status,
        publishAt: iso(r.publish_at),
        publishedAt: iso(r.published_at),
        editedAt: iso(r.edited_at),
        spoiler: r.spoiler === 1,
        spoilerLabel: r.spoiler_label,
        createdAt: iso(r.created_at),
      }),
    }),
    section({
      file: 'reactions.jsonl',
      about: 'Your reactions: the post, its channel and the emoji.',
      table: 'post_reaction',
      column: 'account_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('post_reaction as r')
          .innerJoin('post as p', 'p.id', 'r.post_id')
          .innerJoin('channel as c', 'c.id', 'p.channel_id')
          .select(['r.post_id', 'c.slug', 'r.emoji', 'r.created_at'])
          .where('r.account_id', '=', accountId)
          .$if(after !== null, (q) => q.where('r.post_id', '>', after!))
          .orderBy('r.post_id')
          .limit(limit)
          .execute(),
      key: (r) => r.post_id,
      present: (r) => ({ post: r.post_id, channel: r.slug, emoji: r.emoji, at: iso(r.created_at) }),
    }),
    section({
      file: 'votes.jsonl',
      about: 'Your poll ballots: the poll, the options you chose (by number and text) and when.',
      table: 'poll_ballot',
      column: 'account_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('poll_ballot as b')
          .innerJoin('poll', 'poll.post_id', 'b.post_id')
          .innerJoin('post as p', 'p.id', 'b.post_id')
          .innerJoin('channel as c', 'c.id', 'p.channel_id')
          .select(['b.post_id', 'c.slug', 'poll.question', 'poll.options', 'b.choices', 'b.voted_at'])
          .where('b.account_id', '=', accountId)
          .$if(after !== null, (q) => q.where('b.post_id', '>', after!))
          .orderBy('b.post_id')
          .limit(limit)
          .execute(),
      key: (r) => r.post_id,
      present: (r) => {
        const options = JSON.parse(r.options) as string[]
        const choices = options.flatMap((text, i) => ((r.choices >> i) & 1 ? [{ option: i, text }] : []))
        return { post: r.post_id, channel: r.slug, question: r.question, choices, at: iso(r.voted_at) }
      },
    }),
    section({
      file: 'answers.jsonl',
      about: 'Your answers to prompts, and whether staff highlighted or hid them.',
      table: 'prompt_answer',
      column: 'account_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('prompt_answer as a')
          .innerJoin('post as p', 'p.id', 'a.post_id')
          .innerJoin('channel as c', 'c.id', 'p.channel_id')
          .select([
            'a.id',
            'a.post_id',
            'c.slug',
            'a.text',
            'a.created_at',
            'a.highlighted_at',
            'a.hidden_at',
          ])
          .where('a.account_id', '=', accountId)
          .$if(after !== null, (q) => q.where('a.id', '>', after!))
          .orderBy('a.id')
          .limit(limit)
          .execute(),
      key: (r) => r.id,
      present: (r) => ({
        id: r.id,
        post: r.post_id,
        channel: r.slug,
        text: r.text,
        at: iso(r.created_at),
        highlightedAt: iso(r.highlighted_at),
        hiddenAt: iso(r.hidden_at),
      }),
    }),
    section({
      file: 'push-subscriptions.jsonl',
      about:
        'Browsers registered for push notifications: endpoint, label, language, dates (never their keys).',
      table: 'push_subscription',
      column: 'account_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('push_subscription')
          .select(['id', 'endpoint', 'label', 'language', 'created_at', 'updated_at', 'expires_at'])
          .where('account_id', '=', accountId)
          .$if(after !== null, (q) => q.where('id', '>', after!))
          .orderBy('id')
          .limit(limit)
          .execute(),
      key: (r) => r.id,
      present: (r) => ({
        id: r.id,
        endpoint: r.endpoint,
        label: r.label,
        language: r.language,
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
        expiresAt: iso(r.expires_at),
      }),
    }),
    section({
      file: 'sessions.jsonl',
      about:
        'Your login sessions: device, network (never the full address), dates (never the session secret).',
      table: 'session',
      column: 'account_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('session')
          .select(['public_id', 'device', 'network', 'created_at', 'last_seen_at', 'expires_at'])
          .where('account_id', '=', accountId)
          .$if(after !== null, (q) => q.where('public_id', '>', after!))
          .orderBy('public_id')
          .limit(limit)
          .execute(),
      key: (r) => r.public_id,
      present: (r) => ({
        id: r.public_id,
        device: r.device,
        network: r.network,
        createdAt: iso(r.created_at),
        lastSeenAt: iso(r.last_seen_at),
        expiresAt: iso(r.expires_at),
      }),
    }),
    section({
      file: 'api-tokens.jsonl',
      about: 'Your API tokens: name, scopes, dates (never the token).',
      table: 'api_token',
      column: 'account_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('api_token')
          .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
          .where('account_id', '=', accountId)
          .$if(after !== null, (q) => q.where('id', '>', after!))
          .orderBy('id')
          .limit(limit)
          .execute(),
      key: (r) => r.id,
      present: (r) => ({
        id: r.id,
        name: r.name,
        scopes: r.scopes.split(' '),
        createdAt: iso(r.created_at),
        lastUsedAt: iso(r.last_used_at),
        revokedAt: iso(r.revoked_at),
      }),
    }),
    section({
      file: 'media.jsonl',
      about:
        'Images you uploaded: their texts (alt, credit, rights, spoiler) and `file`, the original in media/ (metadata such as GPS was stripped at upload).',
      table: 'media',
      column: 'owner_id',
      accountId,
      page: (db, after, limit) =>
        db
          .selectFrom('media')
          .select(['id', 'status', 'mime', 'width', 'height', 'alt', 'credit', 'rights', 'spoiler'])
          .select(['spoiler_label', 'bytes', 'original_key', 'created_at'])
          .where('owner_id', '=', accountId)
          .$if(after !== null, (q) => q.where('id', '>', after!))
          .orderBy('id')
          .limit(limit)
          .execute(),
      key: (r) => r.id,
      present: (r) => ({
        id: r.id,
        status: r.status,
        type: r.mime,
        width: r.width,
        height: r.height,
        alt: r.alt,
        credit: r.credit,
        rights: r.rights,
        spoiler: r.spoiler === 1,
        spoilerLabel: r.spoiler_label,
        bytes: Number(r.bytes),
        file: r.original_key ? mediaFileName(r.id, r.original_key) : null,
        uploadedAt: iso(r.created_at),
      }),
    }),
  ]
}

/** The person's uploaded originals, one at a time. */
export function personMediaFiles(db: Db, accountId: string): AsyncIterable<MediaFile> {
  return mediaFilesOf(
    pages(
      (after, limit) =>
        db
          .selectFrom('media')
          .select(['id', 'original_key'])
          .where('owner_id', '=', accountId)
          .where('original_key', 'is not', null)
          .$if(after !== null, (q) => q.where('id', '>', after!))
          .orderBy('id')
          .limit(limit)
          .execute(),
      (r) => r.id,
    ),
  )
}

export async function* mediaFilesOf(rows: AsyncIterable<{ id: string; original_key: string | null }>) {
  for await (const r of rows) yield { file: mediaFileName(r.id, r.original_key!), key: r.original_key! }
}

export async function countPersonMediaFiles(db: Db, accountId: string): Promise<number> {
  return countOf(
    db
      .selectFrom('media')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('owner_id', '=', accountId)
      .where('original_key', 'is not', null),
  )
}

/** profile.json: the account itself, without its password hash. */
export async function personProfile(db: Db, accountId: string) {
  const a = await db
    .selectFrom('account')
    .select(['id', 'handle', 'display_name', 'email', 'language', 'is_admin', 'created_at'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  return {
    id: a.id,
    handle: a.handle,
    displayName: a.display_name,
    email: a.email,
    language: a.language,
    isServerAdmin: a.is_admin === 1,
    createdAt: iso(a.created_at),
  }
}
