import type { Db } from '../db/database.js'
import type { AccessChange } from '../event-log/event-log.js'
import type { Logger } from '../logger.js'
import type { ChannelFeed } from './channel-feed.js'
import type { ChannelFeeds } from './channel-feeds.js'
import { readMemberIds } from './store.js'

export interface AccessChangeDeps {
  db: Db
  feeds: ChannelFeeds
  logger: Logger
}

/**
 * Ends the subscriptions an access change (ban, leave, removal, deletion, a channel turning
 * private) takes away, on this node. `message` is the bus message (event-log.ts `AccessChange`);
 * a malformed one is logged and dropped.
 */
export function applyAccessChange(deps: AccessChangeDeps, message: string): void {
  let change: AccessChange
  try {
    change = JSON.parse(message) as AccessChange
  } catch {
    deps.logger.warn('malformed access change dropped')
    return
  }
  const feed = deps.feeds.get(change.channelId)
  if (!feed) return
  if (change.reason === 'channel-private') {
    void endNonMembers(deps, feed)
    return
  }
  for (const subscriber of [...feed.subscribers]) {
    if (
      change.reason === 'channel-deleted' ||
      change.reason === 'channel-suspended' ||
      subscriber.accountId === change.accountId
    ) {
      subscriber.end(change.reason)
    }
  }
}

/** The channel became private: only members may keep streaming it. One query for all subscribers. */
async function endNonMembers({ db, logger }: AccessChangeDeps, feed: ChannelFeed): Promise<void> {
  const subscribers = [...feed.subscribers]
  const accountIds = [
    ...new Set(subscribers.map((s) => s.accountId).filter((id): id is string => id !== null)),
  ]
  try {
    const members = new Set(await readMemberIds(db, feed.channelId, accountIds))
    for (const subscriber of subscribers) {
      if (subscriber.accountId === null || !members.has(subscriber.accountId))
        subscriber.end('channel-private')
    }
  } catch (error) {
    logger.warn({ err: error, channel: feed.channelId }, 'membership re-check failed; ending all streams')
    for (const subscriber of subscribers) subscriber.end('channel-private')
  }
}
