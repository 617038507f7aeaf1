import type { ChannelRow } from '../db/schema.js'

/**
 * The version of everything a channel's public surfaces show that changes with an event or with
 * the channel row — the key of every cache of a channel's public content (util/version-cache.ts):
 * `last_seq`, the channel's event-log position, moves on every publish, edit, deletion and pin,
 * the release of a scheduled post included; `updated_at` on every change of the channel or its
 * production facts; and its visibility.
 */
export function channelVersion(channel: Pick<ChannelRow, 'last_seq' | 'updated_at' | 'visibility'>): string {
  return `${channel.last_seq}|${channel.updated_at}|${channel.visibility}`
}
