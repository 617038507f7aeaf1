import type { AppContext } from '../../src/context.js'
import type { ChannelRow } from '../../src/db/schema.js'
import type { LoggedEvent } from '../../src/event-log/event-log.js'

/**
 * Appends a `post.published` event straight to the channel event log (and publishes it after
 * commit), for delivery tests that need events without going through the posts API.
 */
export async function seedPostEvent(
  ctx: AppContext,
  channel: Pick<ChannelRow, 'id' | 'slug'>,
  data: Record<string, unknown> = {},
): Promise<LoggedEvent> {
  return ctx.eventLog.transact((_tx, append) =>
    append({ channelId: channel.id, channelSlug: channel.slug, type: 'post.published', data }),
  )
}

/** Appends `count` events one transaction at a time; returns them in order. */
export async function seedPostEvents(
  ctx: AppContext,
  channel: Pick<ChannelRow, 'id' | 'slug'>,
  count: number,
  data: (i: number) => Record<string, unknown> = (i) => ({ text: `post ${i}` }),
): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = []
  for (let i = 0; i < count; i++) events.push(await seedPostEvent(ctx, channel, data(i)))
  return events
}

/** Publishes a text post through the posts API, as a creator would; returns the created post. */
export async function publishPost(
  baseUrl: string,
  token: string,
  slug: string,
  text: string,
): Promise<{ id: string }> {
  const res = await fetch(`${baseUrl}/api/v1/channels/${slug}/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }),
  })
  const body = (await res.json()) as { id: string }
  if (res.status !== 201) throw new Error(`publishing failed: ${res.status} ${JSON.stringify(body)}`)
  return body
}

/** Publishes `count` posts one after the other; returns their ids in order. */
export async function publishPosts(
  baseUrl: string,
  token: string,
  slug: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) ids.push((await publishPost(baseUrl, token, slug, `post ${i}`)).id)
  return ids
}
