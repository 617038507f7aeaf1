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
import type { DbOrTx } from '../db/database.js'
import { preparedQuery } from '../db/prepared.js'
import type { PostKind, PostStatus } from '../db/schema.js'
import { fail } from '../errors.js'
import { canSeePost } from '../posts/index.js'

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
): Promise<Target> {
  const row = await loadTarget(db, slug, accountId, postId)
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
): Promise<Target> {
  const target = await requireTarget(db, slug, accountId, postId)
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
