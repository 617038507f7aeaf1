import type { AccountService } from '../accounts/index.js'
import type { Db } from '../db/database.js'
import { scrubErasedContent } from '../db/scrub.js'
import type { AccessChange } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import { deleteFilesOfDeletedRows, deleteMediaRows } from '../media/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { Clock } from '../util/clock.js'
import { redactPersonFromEvents } from './event-redaction.js'
import {
  claimErasure,
  deletePersonalRows,
  FORMER_MEMBER,
  type Footprint,
  ownedChannelSlugs,
  readFootprint,
  touchChannels,
  unusedMediaIds,
} from './store.js'

export interface EraseDeps {
  db: Db
  clock: Clock
  logger: Logger
  mediaStore: MediaStore
  accounts: Pick<AccountService, 'credentialsEnded'>
  /** Ends the person's live streams of their channels on every node (absent in the CLI). */
  publishAccessChange?: (change: AccessChange) => Promise<void>
  /** Tells live subscribers a post's counts changed (absent in the CLI: a reload shows them). */
  markCounts?: (channelId: string, postId: string) => void
  /** Deletes the archives the person asked for (exports/): absent in the CLI, where they expire. */
  forgetExports?: (accountId: string) => Promise<void>
  /** Deletes the person's resumable uploads, rows and bytes (media/): absent in the CLI, where they expire. */
  forgetResumableUploads?: (accountId: string) => Promise<void>
}

export type EraseOutcome = 'erased' | 'not-due' | 'owns-channels'

/**
 * Erases one account whose deletion is due (issue 17 point 3), in one transaction that starts with
 * the claim (store.ts `claimErasure`): safe to run from any number of sweeps and nodes, and again
 * after a crash — a claimed account is erased, and an account not claimed is untouched.
 *
 * What goes: profile (handle, name, email, password), sessions, API tokens, push subscriptions,
 * reactions, votes, prompt answers, views, memberships, join requests, bans, and uploads no post or
 * channel uses (rows here, files after commit). What stays: posts in channels, attributed to the
 * former member (docs/security.md "Account deletion"). Then the event log, caches and the
 * database files are cleaned of what was erased.
 */
export async function eraseAccount(deps: EraseDeps, accountId: string): Promise<EraseOutcome> {
  const { db, clock } = deps
  const work = await db.transaction().execute(async (tx) => {
    const account = await tx.selectFrom('account').selectAll().where('id', '=', accountId).executeTakeFirst()
    const now = clock.now()
    if (
      !account ||
      account.erased_at !== null ||
      account.deletion_due_at === null ||
      account.deletion_due_at > now
    )
      return 'not-due' as const
    // Ownership may have been handed to them during the grace period: a channel is never orphaned.
    if ((await ownedChannelSlugs(tx, accountId)).length > 0) return 'owns-channels' as const
    if (!(await claimErasure(tx, accountId, now))) return 'not-due' as const
    const footprint = await readFootprint(tx, accountId)
    const media = await deleteMediaRows(tx, await unusedMediaIds(tx, accountId))
    const credentials = await deletePersonalRows(tx, accountId)
    const channelIds = channelsOf(footprint)
    const former = await tx
      .selectFrom('account')
      .select(['handle', 'display_name'])
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow()
    await redactPersonFromEvents(tx, channelIds, {
      handle: account.handle,
      displayName: account.display_name,
      former: { handle: former.handle, displayName: FORMER_MEMBER },
      answerIds: new Set(footprint.answers.map((a) => a.id)),
      touched: touchedPosts(footprint),
    })
    await touchChannels(tx, channelIds, now)
    return { footprint, media, credentials, channelIds }
  })
  if (typeof work === 'string') return work
  await afterErasure(deps, accountId, work)
  return 'erased'
}

async function afterErasure(
  deps: EraseDeps,
  accountId: string,
  work: {
    footprint: Footprint
    media: Awaited<ReturnType<typeof deleteMediaRows>>
    credentials: { sessions: string[]; tokens: string[] }
  },
): Promise<void> {
  const logger = deps.logger.child({ area: 'erasure' })
  await deps.accounts.credentialsEnded({ accountId, ...work.credentials })
  for (const { channel_id } of work.footprint.memberships) {
    await deps.publishAccessChange?.({ channelId: channel_id, accountId, reason: 'removed' })
  }
  for (const [channelId, posts] of touchedPosts(work.footprint)) {
    for (const postId of posts) deps.markCounts?.(channelId, postId)
  }
  await deleteFilesOfDeletedRows({ db: deps.db, mediaStore: deps.mediaStore, logger }, work.media)
  await deps.forgetExports?.(accountId)
  await deps.forgetResumableUploads?.(accountId)
  if (!(await scrubErasedContent(deps.db))) {
    logger.warn({ accountId }, 'erased data stays in the WAL until the next checkpoint')
  }
  logger.info({ accountId, media: work.media.length }, 'account erased')
}

function channelsOf(footprint: Footprint): string[] {
  const ids = new Set<string>()
  for (const list of [
    footprint.memberships,
    footprint.reacted,
    footprint.voted,
    footprint.answers,
    footprint.authored,
  ])
    for (const row of list) ids.add(row.channel_id)
  return [...ids]
}

function touchedPosts(footprint: Footprint): Map<string, Set<string>> {
  const byChannel = new Map<string, Set<string>>()
  const add = (channelId: string, postId: string) => {
    const set = byChannel.get(channelId) ?? new Set<string>()
    byChannel.set(channelId, set)
    set.add(postId)
  }
  for (const row of [...footprint.reacted, ...footprint.voted]) add(row.channel_id, row.id)
  for (const row of footprint.answers) add(row.channel_id, row.post_id)
  return byChannel
}
