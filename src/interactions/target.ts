import { sql } from 'kysely'
import {
  accessFromColumns,
  assertNotArchived,
  assertPermission,
  assertReadable,
  type ChannelAccess,
  channelOfRow,
  type Permission,
  roleAllows,
  viewerColumns,
} from '../channels/index.js'
import type { Db, DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { ChannelMemberRow, PostKind, PostStatus, Role } from '../db/schema.js'
import { fail } from '../errors.js'
import type { Logger } from '../logger.js'
import { canSeePost } from '../posts/index.js'
import { createGroupCommit } from './group-commit.js'

/** The few post fields the interaction rules need. */
export interface TargetPost {
  id: string
  kind: PostKind
  status: PostStatus
  author_id: string
}

export interface Target {
  access: ChannelAccess
  post: TargetPost
}

/**
 * Channel, the viewer's membership and ban, and the post, in ONE query: interactions are the hot
 * path (thousands of reactions a second on one post), so the three lookups of
 * `loadChannelAccess` plus the post lookup are folded into a single indexed join, compiled once
 * (src/db/prepared.ts). The rules applied to the result are the same as `requireReadableChannel` +
 * `requireVisiblePost`.
 */
const targetQuery = preparedQuery((db: DbOrTx, account: string, postId: string, slug: string) =>
  db
    .selectFrom('channel')
    .leftJoin('channel_member as m', (j) =>
      j.onRef('m.channel_id', '=', 'channel.id').on('m.account_id', '=', account),
    )
    .leftJoin('channel_ban as b', (j) =>
      j.onRef('b.channel_id', '=', 'channel.id').on('b.account_id', '=', account),
    )
    .leftJoin('post as p', (j) => j.onRef('p.channel_id', '=', 'channel.id').on('p.id', '=', postId))
    .selectAll('channel')
    .select([
      ...viewerColumns,
      'p.id as p_id',
      'p.kind as p_kind',
      'p.status as p_status',
      'p.author_id as p_author_id',
    ])
    .where('channel.slug', '=', slug),
)

async function loadTarget(db: DbOrTx, slug: string, accountId: string | null, postId: string) {
  // '' never matches an account id, and keeps the joins parameterised.
  const { rows } = await targetQuery(db, accountId ?? '', postId, slug.toLowerCase())
  return rows[0]
}

type TargetRow = NonNullable<Awaited<ReturnType<typeof loadTarget>>>
/** How a target row is found: one query per request (`loadTarget`), or a window's batch. */
export type TargetLoader = (
  slug: string,
  accountId: string | null,
  postId: string,
) => Promise<TargetRow | undefined>

interface TargetRequest {
  slug: string
  accountId: string
  postId: string
}

/**
 * The target rows of one window's requests in one statement per (channel, post) — the hot post's
 * thousands of reactions a second share it — instead of a read per request (issue 21: after group
 * commit, that read was the database's per-request cost). Same columns and answers as
 * `targetQuery`: the channel and post, and each member's membership and ban, read fresh for every
 * window (nothing cached: a ban applies to the next window).
 *
 * The UNION ALL keeps the result linear in the accounts: the first half has a row per account that
 * is a member (or one row if none), the second a row per account that is banned.
 */
async function loadTargetGroup(db: DbOrTx, slug: string, postId: string, accounts: readonly string[]) {
  const base = () =>
    db
      .selectFrom('channel')
      .leftJoin('post as p', (j) => j.onRef('p.channel_id', '=', 'channel.id').on('p.id', '=', postId))
      .selectAll('channel')
      .select(['p.id as p_id', 'p.kind as p_kind', 'p.status as p_status', 'p.author_id as p_author_id'])
      .where('channel.slug', '=', slug)
  const rows = await base()
    .leftJoin('channel_member as m', (j) =>
      j.onRef('m.channel_id', '=', 'channel.id').on('m.account_id', 'in', accounts),
    )
    .select([
      'm.account_id as m_account_id',
      'm.role as m_role',
      'm.muted as m_muted',
      'm.notify_level as m_notify_level',
      'm.joined_at as m_joined_at',
      sql<string | null>`null`.as('b_account_id'),
    ])
    .unionAll(
      base()
        .innerJoin('channel_ban as b', (j) =>
          j.onRef('b.channel_id', '=', 'channel.id').on('b.account_id', 'in', accounts),
        )
        .select([
          sql<string | null>`null`.as('m_account_id'),
          sql<Role | null>`null`.as('m_role'),
          sql<number | null>`null`.as('m_muted'),
          sql<ChannelMemberRow['notify_level'] | null>`null`.as('m_notify_level'),
          sql<number | null>`null`.as('m_joined_at'),
          'b.account_id as b_account_id',
        ]),
    )
    .execute()
  return (accountId: string): TargetRow | undefined => {
    const first = rows[0]
    if (!first) return undefined
    const member = rows.find((r) => r.m_account_id === accountId)
    return {
      ...first,
      m_account_id: member?.m_account_id ?? null,
      m_role: member?.m_role ?? null,
      m_muted: member?.m_muted ?? null,
      m_notify_level: member?.m_notify_level ?? null,
      m_joined_at: member?.m_joined_at ?? null,
      b_account_id: rows.some((r) => r.b_account_id === accountId) ? accountId : null,
    } as TargetRow
  }
}

/** A loader batching the target reads of `windowMs` (group-commit.ts); window 0: one read each. */
export function createTargetLoader(db: Db, windowMs: number, logger: Logger): TargetLoader {
  const direct: TargetLoader = (slug, accountId, postId) => loadTarget(db, slug, accountId, postId)
  if (windowMs === 0) return direct
  const batch = createGroupCommit<TargetRequest, TargetRow | undefined>(
    { windowMs, maxBatch: 250 },
    async (items) => {
      const groups = new Map<string, { slug: string; postId: string; accounts: Set<string> }>()
      const keyOf = (i: TargetRequest) => `${i.slug.toLowerCase()} ${i.postId}`
      for (const item of items) {
        const key = keyOf(item)
        const group = groups.get(key) ?? {
          slug: item.slug.toLowerCase(),
          postId: item.postId,
          accounts: new Set(),
        }
        group.accounts.add(item.accountId)
        groups.set(key, group)
      }
      const pick = new Map<string, (accountId: string) => TargetRow | undefined>()
      for (const [key, group] of groups) {
        pick.set(key, await loadTargetGroup(db, group.slug, group.postId, [...group.accounts]))
      }
      return items.map((item) => ({ ok: true, value: pick.get(keyOf(item))!(item.accountId) }))
    },
    (item) => loadTarget(db, item.slug, item.accountId, item.postId),
    logger,
  )
  return (slug, accountId, postId) =>
    accountId === null ? direct(slug, accountId, postId) : batch.submit({ slug, accountId, postId })
}

/**
 * The post, if the viewer may read the channel and see the post. Same answers as the posts area:
 * a private channel is `channel-not-found` for outsiders, a banned account gets `banned`, and an
 * unknown id, another channel's post or one the viewer may not see is `post-not-found`.
 */
export async function requireTarget(
  db: DbOrTx,
  slug: string,
  accountId: string | null,
  postId: string,
  load?: TargetLoader,
): Promise<Target> {
  const row = load ? await load(slug, accountId, postId) : await loadTarget(db, slug, accountId, postId)
  if (!row) fail('channel-not-found', `No channel "${slug}".`)
  const channel = channelOfRow(row)
  // Anonymous: the joins ran on '' and matched nothing, so the columns say "not a member".
  const access = accessFromColumns(channel, accountId, row)
  assertReadable(access, slug)
  if (row.p_id === null || !canSeePost(access, { status: row.p_status! })) {
    fail('post-not-found', `No post "${postId}" in "${channel.slug}".`)
  }
  return {
    access,
    post: { id: row.p_id, kind: row.p_kind!, status: row.p_status!, author_id: row.p_author_id! },
  }
}

/**
 * For fan actions (react, vote, answer): the viewer must be a member, the post published and the
 * channel not archived. Order matters for the documented answers: visibility first (404/403
 * banned), then membership (403 not-a-member), then the post's state.
 */
export async function requireActingMember(
  db: DbOrTx,
  slug: string,
  accountId: string,
  postId: string,
  load?: TargetLoader,
): Promise<Target> {
  const target = await requireTarget(db, slug, accountId, postId, load)
  assertMember(target.access)
  assertNotArchived(target.access)
  if (target.post.status !== 'published') {
    fail('post-not-open', 'Only a published post takes reactions, votes and answers.')
  }
  return target
}

function assertMember(access: ChannelAccess): void {
  if (!access.membership) {
    fail('not-a-member', `Join "${access.channel.slug}" to react, vote or answer.`)
  }
}

/**
 * Same rule as the posts area's `assertMayModify`: the author acts on their own post with `own`
 * (while they keep the role that grants it); anyone else needs `any`.
 */
export function assertMayModify(
  access: ChannelAccess,
  post: TargetPost,
  own: Permission,
  any: Permission,
): void {
  if (post.author_id === access.accountId && roleAllows(access.role, own)) return
  assertPermission(access, any)
}
