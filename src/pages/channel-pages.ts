import { loadAvatarView } from '../channels/index.js'
import type { ChannelRow, DigestRow } from '../db/schema.js'
import type { Language } from '../i18n/index.js'
import { feedCursor } from '../posts/index.js'
import { digestPosts, digestUrl, rangeLabel } from '../production/index.js'
import { readChannelPosts } from '../reads/index.js'
import type { PageFrame } from './page-frame.js'
import type { PageRenderer, RenderDeps, RenderedPage } from './render.js'
import {
  cardImage,
  channelBody,
  channelDescription,
  channelLinks,
  digestBody,
  type LivePage,
  timelineBody,
} from './templates.js'
import { pageText } from './text.js'

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
  async function channelPage(
    language: Language,
    channel: ChannelRow,
    before?: string,
  ): Promise<RenderedPage> {
    const text = pageText(language)
    const key = before ? feedCursor.decode(before) : null
    const page = await readChannelPosts(deps, channel, { limit: PAGE_SIZE, before: key, language })
    const counts = await frame.countsOf(channel, page.posts)
    const links = channelLinks(origin(), channel)
    const older = page.nextCursor ? `${links.page}?before=${page.nextCursor}` : null
    const meta = baseMeta(text, channel, links.page, channel.title, channelDescription(text, channel))
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
    const firstImage = page.posts.map((p) => cardImage(p, language)).find((i) => i !== null) ?? null
    const live: LivePage = {
      view: 'channel',
      epoch: deps.streamEpoch,
      seq: channel.last_seq,
      isOlder: key !== null,
    }
    const body = channelBody(text, origin(), channel, page.posts, older, live, counts, avatar)
    return render({ ...meta, image: avatarImage ?? firstImage }, channel, body, { isLive: true })
  }

  async function timelinePage(language: Language, channel: ChannelRow): Promise<RenderedPage> {
    const text = pageText(language)
    const timeline = await deps.timeline(channel, language)
    const links = channelLinks(origin(), channel)
    const description =
      timeline.lastChapter?.label ?? text.t('timeline.description', { channel: channel.title })
    const title = text.t('timeline.title', { channel: channel.title })
    const meta = baseMeta(text, channel, links.timeline, title, description)
    // A spoiler cover's alt is already its blurred text (production/timeline.ts).
    const cover = timeline.weeks.find((w) => w.cover)?.cover
    if (cover) meta.image = { ...cover, type: 'image/jpeg' }
    const live: LivePage = { view: 'timeline', epoch: deps.streamEpoch, seq: channel.last_seq }
    return render(meta, channel, timelineBody(text, origin(), channel, timeline, live), { isLive: true })
  }

  async function digestPage(
    language: Language,
    channel: ChannelRow,
    digest: DigestRow,
  ): Promise<RenderedPage> {
    const text = pageText(language)
    const posts = await digestPosts(deps, channel, digest, language)
    const label = rangeLabel(digest, language)
    const url = digestUrl(deps.publicUrl(), channel.slug, digest.id)
    const meta = baseMeta(text, channel, url, `${digest.title} — ${channel.title}`, digest.intro || label)
    meta.image = posts.map((p) => cardImage(p, language)).find((i) => i !== null) ?? null
    const body = digestBody(text, origin(), channel, { ...digest, rangeLabel: label }, posts)
    return render(meta, channel, body)
  }

  return { channelPage, timelinePage, digestPage }
}
