import { loadAvatarView } from '../channels/index.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import { feedCursor } from '../posts/index.js'
import { digestPosts, digestUrl, rangeLabel } from '../production/index.js'
import { readChannelPosts } from '../reads/index.js'
import type { PageFrame } from './page-frame.js'
import type { PageRenderer, RenderDeps, RenderedPage } from './render.js'
import {
  cardImage,
  channelBody,
  channelLinks,
  digestBody,
  type LivePage,
  productionLine,
  timelineBody,
} from './templates.js'

const PAGE_SIZE = 20

/** The pages of a channel as a whole: its page of posts, its production timeline, its digests. */
export function createChannelPages(
  deps: RenderDeps,
  frame: PageFrame,
): Pick<PageRenderer, 'channelPage' | 'timelinePage' | 'digestPage'> {
  const { origin, baseMeta, render } = frame

  /**
   * The channel page. The channel row (and with it `last_seq`, rendered for the island) is read
   * before the posts: an event after that position may already be on the page, never missing from
   * both — the island drops what it already shows.
   */
  async function channelPage(channel: ChannelRow, before?: string): Promise<RenderedPage> {
    const key = before ? feedCursor.decode(before) : null
    const page = await readChannelPosts(deps, channel, { limit: PAGE_SIZE, before: key })
    const counts = await frame.countsOf(channel, page.posts)
    const links = channelLinks(origin(), channel)
    const older = page.nextCursor ? `${links.page}?before=${page.nextCursor}` : null
    const description = channel.description || productionLine(channel) || `Updates from ${channel.title}`
    const meta = baseMeta(channel, links.page, channel.title, description)
    const avatar = await loadAvatarView(deps.db, channel.id, deps.publicUrl())
    // The share card shows the channel's avatar, as a shared Telegram or Instagram channel does;
    // without one, the newest post image (already blurred if it is a spoiler).
    const avatarImage = avatar
      ? {
          url: avatar.url,
          width: avatar.width,
          height: avatar.height,
          alt: channel.title,
          type: `image/${avatar.variants.find((v) => v.url === avatar.url)?.format ?? 'jpeg'}`,
        }
      : null
    const firstImage = page.posts.map(cardImage).find((i) => i !== null) ?? null
    const live: LivePage = {
      view: 'channel',
      epoch: deps.streamEpoch,
      seq: channel.last_seq,
      isOlder: key !== null,
    }
    const body = channelBody(origin(), channel, page.posts, older, live, counts, avatar)
    return render({ ...meta, image: avatarImage ?? firstImage }, channel, body, { isLive: true })
  }

  async function timelinePage(channel: ChannelRow): Promise<RenderedPage> {
    const timeline = await deps.timeline(channel)
    const links = channelLinks(origin(), channel)
    const description = timeline.lastChapter?.label ?? `Production timeline of ${channel.title}`
    const meta = baseMeta(channel, links.timeline, `Production timeline — ${channel.title}`, description)
    const cover = timeline.weeks.find((w) => w.cover)?.cover
    if (cover)
      meta.image = {
        ...cover,
        alt: cover.isSpoiler ? 'Spoiler (blurred image)' : cover.alt,
        type: 'image/jpeg',
      }
    const live: LivePage = { view: 'timeline', epoch: deps.streamEpoch, seq: channel.last_seq }
    return render(meta, channel, timelineBody(origin(), channel, timeline, live), { isLive: true })
  }

  async function digestPage(channel: ChannelRow, digest: DigestRow): Promise<RenderedPage> {
    const posts = await digestPosts(deps, channel, digest)
    const label = rangeLabel(digest)
    const url = digestUrl(deps.publicUrl(), channel.slug, digest.id)
    const meta = baseMeta(channel, url, `${digest.title} — ${channel.title}`, digest.intro || label)
    meta.image = posts.map(cardImage).find((i) => i !== null) ?? null
    return render(meta, channel, digestBody(origin(), channel, { ...digest, rangeLabel: label }, posts))
  }

  return { channelPage, timelinePage, digestPage }
}
