import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import type { VideoConfig } from '../config/config.js'
import type { Db, DbOrTx } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import { completeMedia, processImage, storeProcessed } from '../media/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import { indexPost } from '../search/index.js'
import { newId } from '../util/ids.js'
import type {
  AuditDocument,
  ChannelDocument,
  ChannelPostDocument,
  MediaDocument,
} from './channel-sections.js'
import { type AvImport, createAvImport } from './import-av.js'
import { CHANNEL_FORMAT, FORMAT_VERSION } from './plans.js'
import { type ZipEntry, zipEntries } from './zip-reader.js'

/** Why an archive cannot be imported, in one line for the CLI. */
export class ImportError extends Error {
  override name = 'ImportError'
}

export interface ImportDeps {
  db: Db
  mediaStore: MediaStore
  /** The media pipeline's limits (BACKLOT_MEDIA_MAX_PIXELS / _BYTES). */
  media: { maxPixels: number; maxBytes: number; video: VideoConfig }
  clock: { now(): number }
}

export interface ImportResult {
  slug: string
  owner: string
  posts: number
  media: number
  audit: number
  /** Authors and audit actors with no account of that handle here: attributed to the owner. */
  unmatchedHandles: string[]
}

const REQUIRED = ['manifest.json', 'channel.json', 'audit.jsonl', 'media.jsonl', 'posts.jsonl'] as const
const MEDIA_FILE = /^media\/([0-9A-HJKMNP-TV-Z]{26})\.(jpg|png|webp)$/

/**
 * `backlot import` (issue 17 point 2): reads a channel archive (docs/export-format.md) into this
 * server as a new channel, entry by entry in the order the export wrote them, in ONE transaction:
 * a bad archive changes nothing in the database. Posts, media and audit entries keep their ids, so
 * post pages and media URLs keep their paths; the channel gets a new id. Images are re-processed
 * through the normal media pipeline (variants made here, from the original in the archive); their
 * blurhash and size are kept from the archive. People are matched by handle: an author or audit
 * actor without an account here is attributed to the owner (and reported). Poll totals are kept
 * as imported tallies (the archive does not say who voted). Stored image files of an import that
 * fails are left to the store (content-addressed; no row points at them).
 */
export async function importChannel(
  deps: ImportDeps,
  archivePath: string,
  options: { owner?: string } = {},
): Promise<ImportResult> {
  const entries = openEntries(archivePath)
  const manifest = await readJson<{ format: string; version: number }>(
    await expectEntry(entries, 'manifest.json'),
  )
  if (manifest.format !== CHANNEL_FORMAT)
    throw new ImportError(
      `${archivePath} is not a Backlot channel archive (manifest.json names no "${CHANNEL_FORMAT}")`,
    )
  if (manifest.version !== FORMAT_VERSION)
    throw new ImportError(
      `archive format version ${manifest.version} is not supported (this server reads ${FORMAT_VERSION})`,
    )
  const doc = (await readJson<ChannelDocument>(await expectEntry(entries, 'channel.json'))) as ChannelDocument
  const slug = String(doc.slug ?? '').toLowerCase()
  const taken = await deps.db.selectFrom('channel').select('id').where('slug', '=', slug).executeTakeFirst()
  if (taken) throw new ImportError(`the channel slug "${slug}" is taken on this server`)
  const ownerHandle = (options.owner ?? doc.owner ?? '').replace(/^@/, '').toLowerCase()
  const owner = await deps.db
    .selectFrom('account')
    .select(['id', 'handle'])
    .where('handle', '=', ownerHandle)
    .executeTakeFirst()
  if (!owner)
    throw new ImportError(
      `no account @${ownerHandle || '?'} on this server to own the channel (use --owner HANDLE)`,
    )

  return deps.db.transaction().execute(async (tx) => {
    const people = handleMap(tx, owner.id)
    const channel = await insertChannel(tx, doc, owner.id, deps.clock.now())
    const counts = { posts: 0, media: 0, audit: 0 }
    const seen = new Set<string>(['manifest.json', 'channel.json'])
    const av: AvImport = createAvImport({
      db: tx as Db,
      mediaStore: deps.mediaStore,
      video: deps.media.video,
      maxPixels: deps.media.maxPixels,
      now: () => deps.clock.now(),
    })
    for await (const entry of entries) {
      seen.add(entry.name)
      if (entry.name === 'audit.jsonl')
        counts.audit = await eachLine<AuditDocument>(entry, (row) => insertAudit(tx, channel, row, people))
      else if (entry.name === 'media.jsonl')
        await eachLine<MediaDocument>(entry, async (row) => {
          await insertMediaRow(tx, row, owner.id)
          if (row.av) av.expect(row.id, row.av)
        })
      else if (entry.name === 'posts.jsonl')
        counts.posts = await eachLine<ChannelPostDocument>(entry, (row) =>
          insertPost(tx, channel, row, people),
        )
      else if (MEDIA_FILE.test(entry.name)) {
        await processMediaFile(deps, tx, entry)
        counts.media += 1
      } else if (av.isAvFile(entry.name)) {
        if (entry.size > deps.media.video.maxBytes)
          throw new ImportError(`${entry.name} is larger than BACKLOT_VIDEO_MAX_BYTES`)
        await av.add(entry.name, await readAll(await entry.open()))
      }
    }
    counts.media += await av.finish()
    const missing = REQUIRED.filter((name) => !seen.has(name))
    if (missing.length > 0) throw new ImportError(`the archive has no ${missing.join(', ')}`)
    return { slug, owner: owner.handle, ...counts, unmatchedHandles: [...people.unmatched].sort() }
  })
}

type Entries = AsyncGenerator<ZipEntry>

function openEntries(path: string): Entries {
  return zipEntries(path)
}

async function expectEntry(entries: Entries, name: string): Promise<ZipEntry> {
  let next: IteratorResult<ZipEntry>
  try {
    next = await entries.next()
  } catch (error) {
    throw new ImportError(`cannot read the archive: ${(error as Error).message}`)
  }
  if (next.done || next.value.name !== name)
    throw new ImportError(`the archive has no ${name} where it should start`)
  return next.value
}

async function readJson<T>(entry: ZipEntry): Promise<Partial<T>> {
  if (entry.size > 1_048_576) throw new ImportError(`${entry.name} is too large`)
  const chunks: Buffer[] = []
  for await (const chunk of await entry.open()) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ImportError(`${entry.name} is not valid JSON`)
  }
}

/** Calls `handle` for each JSON line of the entry, one at a time; returns how many. */
async function eachLine<T>(entry: ZipEntry, handle: (row: T) => Promise<void>): Promise<number> {
  const lines = createInterface({ input: await entry.open(), crlfDelay: Number.POSITIVE_INFINITY })
  let n = 0
  for await (const line of lines) {
    if (line === '') continue
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch {
      throw new ImportError(`${entry.name} line ${n + 1} is not valid JSON`)
    }
    await handle(row as T)
    n += 1
  }
  return n
}

/** Account ids by handle on this server, looked up once each; the owner stands in for the unknown. */
function handleMap(db: DbOrTx, ownerId: string) {
  const known = new Map<string, string>()
  const unmatched = new Set<string>()
  return {
    unmatched,
    async idOf(handle: string | null | undefined, fallback: string | null = ownerId): Promise<string | null> {
      if (!handle) return fallback
      const cached = known.get(handle)
      if (cached) return cached
      const row = await db.selectFrom('account').select('id').where('handle', '=', handle).executeTakeFirst()
      if (!row) {
        unmatched.add(handle)
        return fallback
      }
      known.set(handle, row.id)
      return row.id
    },
  }
}

type People = ReturnType<typeof handleMap>

async function insertChannel(
  tx: DbOrTx,
  doc: ChannelDocument,
  ownerId: string,
  now: number,
): Promise<ChannelRow> {
  const channel: ChannelRow = {
    id: newId(),
    slug: String(doc.slug).toLowerCase(),
    title: String(doc.title),
    description: String(doc.description ?? ''),
    visibility: doc.visibility,
    join_policy: doc.joinPolicy,
    reaction_set: doc.reactionSet === null ? null : JSON.stringify(doc.reactionSet),
    production: doc.production === null ? null : JSON.stringify(doc.production),
    last_seq: 0,
    require_approval: doc.requireApproval ? 1 : 0,
    archived_at: doc.archivedAt ?? null,
    // An operator's suspension or hiding belongs to the server that decided it, not to the archive.
    suspended_at: null,
    suspension_reason: null,
    hidden_at: null,
    featured_at: null,
    created_at: doc.createdAt ?? now,
    updated_at: doc.updatedAt ?? now,
  }
  await tx.insertInto('channel').values(channel).execute()
  await tx
    .insertInto('channel_member')
    .values({ channel_id: channel.id, account_id: ownerId, role: 'owner', joined_at: now })
    .execute()
  return channel
}

async function insertAudit(
  tx: DbOrTx,
  channel: ChannelRow,
  row: AuditDocument,
  people: People,
): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      id: row.id,
      channel_id: channel.id,
      actor_id: (await people.idOf(row.actor))!,
      action: row.action,
      target_account_id: await people.idOf(row.target, null),
      target_post_id: row.targetPost ?? null,
      details: JSON.stringify(row.details ?? {}),
      created_at: row.createdAt,
    })
    .execute()
}

/** A media row waiting for its file (which comes later in the archive). */
async function insertMediaRow(tx: DbOrTx, row: MediaDocument, ownerId: string): Promise<void> {
  await tx
    .insertInto('media')
    .values({
      id: row.id,
      owner_id: ownerId,
      status: 'processing',
      error: null,
      mime: row.type,
      width: row.width,
      height: row.height,
      blurhash: row.blurhash ?? null,
      alt: row.alt ?? '',
      credit: row.credit ?? null,
      rights: row.rights ?? null,
      spoiler: row.spoiler ? 1 : 0,
      spoiler_label: row.spoilerLabel ?? null,
      bytes: row.bytes,
      original_key: null,
      variants: '[]',
      created_at: row.createdAt,
      ready_at: null,
    })
    .execute()
}

async function processMediaFile(deps: ImportDeps, tx: DbOrTx, entry: ZipEntry): Promise<void> {
  const id = MEDIA_FILE.exec(entry.name)![1]!
  const media = await tx
    .selectFrom('media')
    .select(['id', 'blurhash'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!media) throw new ImportError(`${entry.name} is not listed in media.jsonl`)
  if (entry.size > deps.media.maxBytes)
    throw new ImportError(`${entry.name} is larger than BACKLOT_MEDIA_MAX_BYTES`)
  const bytes = await readAll(await entry.open())
  const image = await processImage(bytes, { maxPixels: deps.media.maxPixels })
  const stored = await storeProcessed(tx as Db, deps.mediaStore, image)
  await completeMedia(tx, id, {
    status: 'ready',
    error: null,
    width: image.width,
    height: image.height,
    // The archive's blurhash: the placeholder readers saw stays the same.
    blurhash: media.blurhash ?? image.blurhash,
    original_key: stored.originalKey,
    ready_at: deps.clock.now(),
    variants: stored.variants,
  })
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function insertPost(
  tx: DbOrTx,
  channel: ChannelRow,
  p: ChannelPostDocument,
  people: People,
): Promise<void> {
  const authorId = (await people.idOf(p.author?.handle))!
  // A post waiting for sign-off comes back as a draft: the review's steps are not in the archive.
  const status = p.status === 'in_review' ? 'draft' : p.status
  await tx
    .insertInto('post')
    .values({
      id: p.id,
      channel_id: channel.id,
      author_id: authorId,
      kind: p.kind,
      text: p.text,
      status,
      publish_at: p.publishAt,
      published_at: p.publishedAt,
      edited_at: p.editedAt,
      deleted_at: null,
      pinned_at: p.pinnedAt,
      spoiler: p.spoiler ? 1 : 0,
      spoiler_label: p.spoilerLabel,
      silent: p.silent ? 1 : 0,
      idempotency_key: null,
      idempotency_fingerprint: null,
      revision: p.revision,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })
    .execute()
  for (const r of p.history ?? []) {
    await tx
      .insertInto('post_revision')
      .values({
        id: newId(),
        post_id: p.id,
        revision: r.revision,
        editor_id: (await people.idOf(r.editor))!,
        snapshot: JSON.stringify(r.before),
        created_at: r.createdAt,
      })
      .execute()
  }
  await insertPostParts(tx, channel, p)
  // Written without the post hooks: the post is indexed here, in the import's transaction (issue 19).
  if (status === 'published') {
    await indexPost(
      tx,
      await tx.selectFrom('post').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow(),
    )
  }
}

async function insertPostParts(tx: DbOrTx, channel: ChannelRow, p: ChannelPostDocument): Promise<void> {
  if (p.album.length > 0) {
    await tx
      .insertInto('post_media')
      .values(
        p.album.map((m) => ({
          post_id: p.id,
          media_id: m.media,
          position: m.position,
          alt: m.alt,
          credit: m.credit,
          rights: m.rights,
          spoiler: m.spoiler ? 1 : 0,
          spoiler_label: m.spoilerLabel,
        })),
      )
      .execute()
  }
  if (p.poll) {
    const poll = p.poll
    await tx
      .insertInto('poll')
      .values({
        post_id: p.id,
        question: poll.question,
        options: JSON.stringify(poll.options),
        multiple: poll.multiple ? 1 : 0,
        quiz_correct: poll.quizCorrect,
        quiz_explanation: poll.quizExplanation,
        results_visibility: poll.resultsVisibility,
        closes_at: poll.closesAt,
        closed_at: poll.closedAt,
      })
      .execute()
    if (poll.totals.voters > 0)
      await tx
        .insertInto('poll_imported_tally')
        .values({ post_id: p.id, voters: poll.totals.voters, votes: JSON.stringify(poll.totals.votes) })
        .execute()
  }
  if (p.prompt !== null) await tx.insertInto('prompt').values({ post_id: p.id, question: p.prompt }).execute()
  if (p.production) {
    const t = p.production
    await tx
      .insertInto('post_production')
      .values({
        post_id: p.id,
        channel_id: channel.id,
        week_from: t.weekFrom,
        week_to: t.weekTo,
        chapters: JSON.stringify(t.chapters),
        location: t.location,
        unit: t.unit,
      })
      .execute()
  }
}
