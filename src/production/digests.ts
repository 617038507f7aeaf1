import {
  assertNotArchived,
  type ChannelAccess,
  cleanLine,
  cleanText,
  dateToMs,
  invalidField,
  requirePermission,
  requireReadableChannel,
  roleAllows,
} from '../channels/index.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import { fail } from '../errors.js'
import { DEFAULT_LANGUAGE, formatDay, type Language, translator } from '../i18n/index.js'
import type { PostService, PostViewData } from '../posts/index.js'
import { originOf, type PublicPost, type ReadDeps } from '../reads/index.js'
import { newId } from '../util/ids.js'
import type { CreateDigestInput, DigestViewData, EditDigestInput, PostDigestInput } from './digest-schemas.js'
import { digestPosts } from './digest-select.js'
import {
  deleteDigest,
  existingPostIds,
  findDigest,
  insertDigest,
  listDigests,
  updateDigest,
} from './digest-store.js'
import { weeksLabel } from './weeks.js'

export interface DigestServiceDeps extends ReadDeps {
  posts: Pick<PostService, 'create'>
}

const iso = (ms: number) => new Date(ms).toISOString()
const day = (ms: number) => iso(ms).slice(0, 10)

export function digestUrl(publicUrl: URL, slug: string, id: string): string {
  return `${originOf(publicUrl)}/c/${encodeURIComponent(slug)}/digests/${id}`
}

/** "Weeks 11–14", "2025-11-01 – 2025-11-14" (the API's, English) or "1 nov 2025 – 14 nov 2025". */
export function rangeLabel(digest: DigestRow, language: Language = DEFAULT_LANGUAGE): string {
  if (digest.week_from !== null)
    return weeksLabel({ from: digest.week_from, to: digest.week_to ?? digest.week_from }, language)
  if (digest.date_from !== null) {
    // English keeps the ISO days the API has always given; other languages get Intl's dates.
    const show = (ms: number) => (language === DEFAULT_LANGUAGE ? day(ms) : formatDay(language, ms))
    return translator().t(language, 'labels:dateRange', {
      from: show(digest.date_from),
      to: show(digest.date_to ?? digest.date_from),
    })
  }
  return translator().t(language, 'labels:highlights')
}

/**
 * Digests (issue 6 item 8): highlights of a week or date range with a public page, a feed item and
 * optionally a channel post linking to the page. Staff with post.create manage them; anyone who can
 * read the channel reads them. Their posts always come through the public read pipeline.
 */
export interface DigestService {
  /**
   * Creates a digest (post.create; `channel-archived`): a week range, a date range or a list of the
   * channel's posts (`validation`).
   */
  create(actorId: string, slug: string, input: CreateDigestInput): Promise<DigestViewData>
  /** A digest of a channel the viewer can read (`digest-not-found`). */
  get(viewerId: string | null, slug: string, id: string): Promise<DigestViewData>
  /** The channel's latest 50 digests, for anyone who can read it. */
  list(viewerId: string | null, slug: string): Promise<DigestViewData[]>
  /**
   * Changes a digest's title, intro, chosen posts or size (post.create; `digest-not-found`,
   * `validation`).
   */
  edit(actorId: string, slug: string, id: string, input: EditDigestInput): Promise<DigestViewData>
  /** Deletes a digest and its press kit links (post.create; `digest-not-found`). */
  remove(actorId: string, slug: string, id: string): Promise<void>
  /**
   * Posts the digest's link as a text post, published now; once while that post exists
   * (`digest-already-posted`).
   */
  postToChannel(actorId: string, slug: string, id: string, input: PostDigestInput): Promise<PostViewData>
  /** The digest's posts through the public read pipeline (digest-select.ts). */
  posts(deps: ReadDeps, channel: ChannelRow, digest: DigestRow): Promise<PublicPost[]>
}

export function createDigestService(deps: DigestServiceDeps): DigestService {
  const { db, clock } = deps

  function toView(access: ChannelAccess, digest: DigestRow, posts: PublicPost[]): DigestViewData {
    const isStaff = roleAllows(access.role, 'post.read-unpublished')
    return {
      id: digest.id,
      channel: access.channel.slug,
      title: digest.title,
      intro: digest.intro,
      url: digestUrl(deps.publicUrl(), access.channel.slug, digest.id),
      rangeLabel: rangeLabel(digest),
      weeks:
        digest.week_from === null ? null : { from: digest.week_from, to: digest.week_to ?? digest.week_from },
      dates:
        digest.date_from === null
          ? null
          : { from: day(digest.date_from), to: day(digest.date_to ?? digest.date_from) },
      mode: digest.post_ids === null ? 'auto' : 'manual',
      maxPosts: digest.max_posts,
      postIds: isStaff && digest.post_ids !== null ? (JSON.parse(digest.post_ids) as string[]) : null,
      posts: posts.map((p) => ({
        id: p.id,
        url: p.url,
        title: p.title,
        publishedAt: iso(p.publishedAt),
        reactions: p.reactions,
      })),
      linkedPostId: digest.linked_post_id,
      createdAt: iso(digest.created_at),
      updatedAt: iso(digest.updated_at),
    }
  }

  async function checkPostIds(
    channelId: string,
    ids: readonly string[] | undefined | null,
  ): Promise<string | null> {
    if (ids === undefined || ids === null) return null
    const found = await existingPostIds(db, channelId, ids)
    ids.forEach((id, i) => {
      if (!found.has(id)) invalidField(`/postIds/${i}`, 'is not a post of this channel')
    })
    return JSON.stringify(ids)
  }

  async function view(access: ChannelAccess, digest: DigestRow): Promise<DigestViewData> {
    return toView(access, digest, await digestPosts(deps, access.channel, digest))
  }

  async function require(access: ChannelAccess, id: string): Promise<DigestRow> {
    return (await findDigest(db, access.channel.id, id)) ?? fail('digest-not-found', `No digest "${id}".`)
  }

  async function create(actorId: string, slug: string, input: CreateDigestInput): Promise<DigestViewData> {
    const access = await requirePermission(db, slug, actorId, 'post.create')
    assertNotArchived(access)
    if (!input.weeks && !input.dates && !input.postIds) {
      invalidField('/weeks', 'give weeks, dates or postIds')
    }
    if (input.weeks && input.dates) invalidField('/dates', 'give weeks or dates, not both')
    const weekTo = input.weeks ? (input.weeks.to ?? input.weeks.from) : null
    if (input.weeks && weekTo! < input.weeks.from) invalidField('/weeks/to', 'must not be before weeks.from')
    const dateFrom = input.dates ? dateToMs(input.dates.from) : null
    const dateTo = input.dates ? dateToMs(input.dates.to) : null
    if (input.dates && (dateFrom === null || dateTo === null || dateTo < dateFrom)) {
      invalidField('/dates/to', 'must be a real date, not before dates.from')
    }
    const now = clock.now()
    const digest: DigestRow = {
      id: newId(),
      channel_id: access.channel.id,
      title: cleanLine(input.title, '/title') ?? invalidField('/title', 'must not be empty'),
      intro: cleanText(input.intro, '/intro'),
      week_from: input.weeks?.from ?? null,
      week_to: weekTo,
      date_from: dateFrom,
      date_to: dateTo,
      post_ids: await checkPostIds(access.channel.id, input.postIds),
      max_posts: input.maxPosts ?? 10,
      linked_post_id: null,
      created_by: actorId,
      created_at: now,
      updated_at: now,
    }
    await insertDigest(db, digest)
    return view(access, digest)
  }

  async function get(viewerId: string | null, slug: string, id: string): Promise<DigestViewData> {
    const access = await requireReadableChannel(db, slug, viewerId)
    return view(access, await require(access, id))
  }

  async function list(viewerId: string | null, slug: string): Promise<DigestViewData[]> {
    const access = await requireReadableChannel(db, slug, viewerId)
    const rows = await listDigests(db, access.channel.id, 50)
    return Promise.all(rows.map((d) => view(access, d)))
  }

  async function edit(
    actorId: string,
    slug: string,
    id: string,
    input: EditDigestInput,
  ): Promise<DigestViewData> {
    const access = await requirePermission(db, slug, actorId, 'post.create')
    assertNotArchived(access)
    const digest = await require(access, id)
    const changes = {
      ...(input.title !== undefined && {
        title: cleanLine(input.title, '/title') ?? invalidField('/title', 'must not be empty'),
      }),
      ...(input.intro !== undefined && { intro: cleanText(input.intro, '/intro') }),
      ...(input.postIds !== undefined && { post_ids: await checkPostIds(access.channel.id, input.postIds) }),
      ...(input.maxPosts !== undefined && { max_posts: input.maxPosts }),
      updated_at: clock.now(),
    }
    await updateDigest(db, digest.id, changes)
    return view(access, { ...digest, ...changes })
  }

  async function remove(actorId: string, slug: string, id: string): Promise<void> {
    const access = await requirePermission(db, slug, actorId, 'post.create')
    const digest = await require(access, id)
    // Its press kit links go with it, in the same transaction: deleted means gone.
    await db.transaction().execute((tx) => deleteDigest(tx, digest.id))
  }

  /**
   * Posts the digest to the channel: a text post (caption + the page's link), published now with
   * its event and notifications. Once per digest while that post exists (409 digest-already-posted).
   */
  async function postToChannel(
    actorId: string,
    slug: string,
    id: string,
    input: PostDigestInput,
  ): Promise<PostViewData> {
    const access = await requirePermission(db, slug, actorId, 'post.create')
    const digest = await require(access, id)
    if (digest.linked_post_id !== null) {
      const linked = await db
        .selectFrom('post')
        .select('status')
        .where('id', '=', digest.linked_post_id)
        .executeTakeFirst()
      if (linked && linked.status !== 'deleted')
        fail('digest-already-posted', 'This digest is already posted.')
    }
    const url = digestUrl(deps.publicUrl(), access.channel.slug, digest.id)
    const caption = input.text?.trim() || `${digest.title} — ${rangeLabel(digest)}`
    const { post } = await deps.posts.create(actorId, slug, {
      text: `${caption}\n${url}`,
      ...(input.silent !== undefined && { silent: input.silent }),
    })
    await updateDigest(db, digest.id, { linked_post_id: post.id, updated_at: clock.now() })
    return post
  }

  return { create, get, list, edit, remove, postToChannel, posts: digestPosts }
}
