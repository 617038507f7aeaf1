import type { DbOrTx } from '../db/database.js'
import type { AccountRow, ChannelRow, Role } from '../db/schema.js'
import { fail } from '../errors.js'
import type { ChannelAccess } from './access.js'
import { loadAvatarView } from './avatar.js'
import { findJoinRequest } from './member-store.js'
import { roleRank } from './roles.js'
import { countMembers, findAccountByHandle } from './store.js'
import { toChannelView, toPublicChannelView, type ViewerFacts } from './views.js'

/** Rules and lookups shared by the channel services. */

/**
 * Words that name top-level paths (pages, embeds, feeds, the API) or would mislead readers; a
 * channel cannot take them as its slug.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'api',
  'c',
  'p',
  'u',
  'embed',
  'admin',
  'administrator',
  'app',
  'assets',
  'static',
  'media',
  'join',
  'new',
  'login',
  'logout',
  'register',
  'signup',
  'settings',
  'studio',
  'me',
  'help',
  'about',
  'oembed',
  'feed',
  'feeds',
  'healthz',
  'readyz',
  'metrics',
  'channels',
  'accounts',
  'backlot',
  'explore',
  'search',
  'system',
  'support',
  'www',
])

export function normaliseSlug(slug: string): string {
  const lower = slug.toLowerCase()
  if (RESERVED_SLUGS.has(lower)) {
    fail('validation', `The channel address "${lower}" is reserved.`, {
      errors: [{ field: '/slug', message: 'is reserved' }],
    })
  }
  return lower
}

/** Trims a title; a title of only spaces is as empty as no title. */
export function cleanTitle(title: string): string {
  const trimmed = title.trim()
  if (!trimmed) {
    fail('validation', 'The title cannot be blank.', {
      errors: [{ field: '/title', message: 'cannot be blank' }],
    })
  }
  return trimmed
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
// Alternations, not character classes: a class mixing joiners and combining marks misleads readers.
const EMOJI_PARTS =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3)+$/u
const EMOJI_CORE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u

/** One emoji: a single grapheme made only of emoji code points (ZWJ sequences, flags, keycaps). */
export function isSingleEmoji(text: string): boolean {
  if (!EMOJI_PARTS.test(text) || !EMOJI_CORE.test(text)) return false
  return [...segmenter.segment(text)].length === 1
}

export function checkReactionSet(set: readonly string[]): void {
  const bad = set.findIndex((e) => !isSingleEmoji(e))
  if (bad !== -1) {
    fail('validation', `reactionSet[${bad}] is not a single emoji.`, {
      errors: [{ field: `/reactionSet/${bad}`, message: 'must be a single emoji' }],
    })
  }
}

/** Rank of a member's role; fans (no role) rank below every staff role. */
export function rankOf(role: Role | null): number {
  return role === null ? 0 : roleRank[role]
}

/**
 * An actor may act on (ban, remove, change the role of) only members ranked strictly below them:
 * nobody acts on an equal, on a superior, on the owner, or on themselves.
 */
export function assertOutranks(access: ChannelAccess, targetId: string, targetRole: Role | null): void {
  if (targetId === access.accountId || rankOf(access.role) <= rankOf(targetRole)) {
    fail('not-allowed', `Your role (${access.role ?? 'fan'}) does not rank above ${targetRole ?? 'fan'}.`)
  }
}

export async function requireAccount(db: DbOrTx, handle: string): Promise<AccountRow> {
  const account = await findAccountByHandle(db, handle)
  if (!account) fail('account-not-found', `No account @${handle}.`)
  return account
}

/** The full channel view as `access`'s viewer sees it. */
export async function viewFor(db: DbOrTx, access: ChannelAccess, publicUrl: URL) {
  return viewOf(db, access.channel, access, access.accountId, publicUrl)
}

/**
 * The channel view for `accountId`, given their membership and ban; the member count, avatar and
 * join request are looked up.
 */
export async function viewOf(
  db: DbOrTx,
  channel: ChannelRow,
  facts: Pick<ViewerFacts, 'membership' | 'isBanned'>,
  accountId: string | null,
  publicUrl: URL,
) {
  const [memberCount, avatar, joinRequest] = await Promise.all([
    countMembers(db, channel.id),
    loadAvatarView(db, channel.id, publicUrl),
    accountId ? findJoinRequest(db, channel.id, accountId) : Promise.resolve(undefined),
  ])
  return toChannelView(channel, memberCount, avatar, {
    membership: facts.membership,
    isBanned: facts.isBanned,
    joinRequest: joinRequest ?? null,
  })
}

/**
 * The public view of a channel (member count and avatar looked up): what `channel.updated` events
 * carry, so open pages update title, avatar and the rest live.
 */
export async function loadPublicChannelView(db: DbOrTx, channel: ChannelRow, publicUrl: URL) {
  const [memberCount, avatar] = await Promise.all([
    countMembers(db, channel.id),
    loadAvatarView(db, channel.id, publicUrl),
  ])
  return toPublicChannelView(channel, memberCount, avatar)
}
