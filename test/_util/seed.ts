import type { AppContext } from '../../src/context.js'
import type { AccountRow, ChannelRow, JoinPolicy, Role, Visibility } from '../../src/db/schema.js'
import { hashSecret, newId, newSecret } from '../../src/util/ids.js'

/**
 * Direct seeding for tests of one area that need data owned by another (an account, a channel with
 * members) without going through that area's API. User-visible behaviour is still tested over HTTP.
 */
export interface SeededAccount {
  account: AccountRow
  /** An API token with every scope. */
  token: string
}

export async function seedAccount(ctx: AppContext, handle: string, options: { isAdmin?: boolean } = {}) {
  const now = ctx.clock.now()
  const account: AccountRow = {
    id: newId(),
    handle: handle.toLowerCase(),
    display_name: handle,
    password_hash: null,
    email: null,
    is_admin: options.isAdmin ? 1 : 0,
    created_at: now,
    language: null,
    suspended_at: null,
    suspension_reason: null,
    deletion_requested_at: null,
    deletion_due_at: null,
    erased_at: null,
  }
  await ctx.db.insertInto('account').values(account).execute()
  const token = newSecret('blt_')
  await ctx.db
    .insertInto('api_token')
    .values({
      id: newId(),
      account_id: account.id,
      name: 'test',
      token_hash: hashSecret(token),
      scopes: 'read post channel:admin',
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute()
  return { account, token } satisfies SeededAccount
}

export async function seedChannel(
  ctx: AppContext,
  owner: AccountRow,
  options: { slug: string; visibility?: Visibility; joinPolicy?: JoinPolicy; title?: string },
): Promise<ChannelRow> {
  const now = ctx.clock.now()
  const channel: ChannelRow = {
    id: newId(),
    slug: options.slug,
    title: options.title ?? options.slug,
    description: '',
    visibility: options.visibility ?? 'public',
    join_policy: options.joinPolicy ?? 'open',
    reaction_set: null,
    production: null,
    last_seq: 0,
    require_approval: 0,
    archived_at: null,
    created_at: now,
    updated_at: now,
    suspended_at: null,
    suspension_reason: null,
    hidden_at: null,
    featured_at: null,
  }
  await ctx.db.insertInto('channel').values(channel).execute()
  await seedMember(ctx, channel, owner, 'owner')
  return channel
}

export async function seedMember(
  ctx: AppContext,
  channel: ChannelRow,
  account: AccountRow,
  role: Role | null,
) {
  await ctx.db
    .insertInto('channel_member')
    .values({ channel_id: channel.id, account_id: account.id, role, joined_at: ctx.clock.now() })
    .execute()
}
