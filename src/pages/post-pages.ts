import type { ChannelRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { OpenedPreview } from '../production/index.js'
import { presentPosts, readPosts } from '../reads/index.js'
import { postCard } from './components.js'
import { html } from './html.js'
import { document, type PageMeta } from './layout.js'
import type { PageFrame } from './page-frame.js'
import type { PageRenderer, RenderDeps, RenderedPage } from './render.js'
import {
  cardImage,
  embedBody,
  imageBody,
  type LivePage,
  postArticle,
  postBody,
  previewBody,
} from './templates.js'

/** The pages of one post: its page, an image's permalink, its embed, its press preview, its fragments. */
export function createPostPages(
  deps: RenderDeps,
  frame: PageFrame,
): Pick<PageRenderer, 'postPage' | 'imagePage' | 'previewPage' | 'embedPage' | 'fragments'> {
  const { origin, baseMeta, render, oembedUrl, onePost, countsOf } = frame

  /**
   * Posts of a channel as HTML fragments for the island (web/src/island/live.ts): new posts behind
   * the "new posts" pill, and a post again after an edit or a closed poll. The same pipeline and
   * templates as the pages, so spoiler and embargo rules cannot differ; requested order kept; posts
   * the viewer may not see (deleted, embargoed, another channel's) are simply absent.
   */
  async function fragments(
    channel: ChannelRow,
    ids: readonly string[],
    view: 'card' | 'post',
  ): Promise<RenderedPage> {
    const posts = await readPosts(deps, channel, ids)
    const counts = await countsOf(channel, posts)
    const parts = posts.map((p) =>
      view === 'card'
        ? postCard(p, counts.get(p.id))
        : postArticle(origin(), channel, p, false, counts.get(p.id)),
    )
    return { html: html`${parts}`.value, isIndexable: false, isCacheable: false, link: null }
  }

  /** A post page; a revealed spoiler is for the reader who asked, never for search engines or caches. */
  async function postPage(channel: ChannelRow, postId: string, reveal: boolean): Promise<RenderedPage> {
    const post = await onePost(channel, postId, reveal)
    const meta: PageMeta = {
      ...baseMeta(channel, post.url, `${post.title} — ${channel.title}`, post.summary),
      ogType: 'article',
      image: cardImage(post),
      publishedAt: post.publishedAt,
      oembed: channel.visibility === 'private' ? null : oembedUrl(post.url),
    }
    if (reveal) meta.isIndexable = false
    const [counts] = (await countsOf(channel, [post])).values()
    const live: LivePage = { view: 'post', epoch: deps.streamEpoch, seq: channel.last_seq }
    const page = render(meta, channel, postBody(origin(), channel, post, reveal, live, counts), {
      isLive: true,
    })
    return reveal ? { ...page, isCacheable: false } : page
  }

  async function imagePage(channel: ChannelRow, postId: string, n: number, reveal: boolean) {
    const post = await onePost(channel, postId, reveal)
    const image = post.images[n - 1] ?? fail('media-not-found', `Post "${postId}" has no image ${n}.`)
    const title = `Photo ${n} of ${post.images.length} — ${post.title}`
    const meta: PageMeta = {
      ...baseMeta(
        channel,
        `${post.url}/${n}`,
        title,
        image.isSpoiler ? (post.spoilerNote ?? 'Spoiler') : image.alt,
      ),
      ogType: 'article',
      image: cardImage({ ...post, images: [image] }),
      oembed: channel.visibility === 'private' ? null : oembedUrl(post.url),
    }
    if (reveal) meta.isIndexable = false
    const live: LivePage = { view: 'image', epoch: deps.streamEpoch, seq: channel.last_seq }
    const page = render(meta, channel, imageBody(origin(), channel, post, image, reveal, live), {
      isLive: true,
    })
    return reveal ? { ...page, isCacheable: false } : page
  }

  /** A press preview: the embargoed post, banner, noindex, never cached. */
  async function previewPage(token: string, opened: OpenedPreview): Promise<RenderedPage> {
    const { channel, post: record } = opened
    const mediaUrl = (mediaId: string, file: string) => `${origin()}/preview/${token}/${mediaId}/${file}`
    const [post] = await presentPosts(deps, channel, [record], { isPressPreview: true, mediaUrl })
    const meta: PageMeta = {
      ...baseMeta(channel, post!.url, `EMBARGOED: ${post!.title}`, 'Press preview — embargoed'),
      isIndexable: false,
      feeds: null,
    }
    return {
      ...render(meta, channel, previewBody(origin(), channel, post!, record.status)),
      isCacheable: false,
    }
  }

  /** The embeddable view of a post (by id alone, as oEmbed hands it out). */
  async function embedPage(channel: ChannelRow, postId: string): Promise<RenderedPage> {
    const post = await onePost(channel, postId, false)
    const meta: PageMeta = {
      ...baseMeta(channel, post.url, post.title, post.summary),
      isIndexable: false,
      image: cardImage(post),
    }
    return {
      html: document(meta, deps.assets(), embedBody(origin(), channel, post), {
        bodyClass: 'embed',
        bodyData: post.id,
        scripts: [deps.assets().embedJs.path],
      }),
      isIndexable: false,
      isCacheable: true,
      link: null,
      isFrameable: true,
    }
  }

  return { postPage, imagePage, previewPage, embedPage, fragments }
}
