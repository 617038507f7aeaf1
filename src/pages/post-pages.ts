import type { ChannelRow } from '../db/schema.js'
import { fail } from '../errors.js'
import type { Language } from '../i18n/index.js'
import { type OpenedPressKit, type OpenedPreview, rangeLabel } from '../production/index.js'
import { blurredImageText, presentPosts, readPosts } from '../reads/index.js'
import { postCard } from './components.js'
import { html } from './html.js'
import { document, type PageMeta } from './layout.js'
import type { PageFrame } from './page-frame.js'
import { pressKitBody } from './press-kit-body.js'
import type { PageRenderer, RenderDeps, RenderedPage } from './render.js'
import {
  cardImage,
  cardVideo,
  embedBody,
  imageBody,
  type LivePage,
  postArticle,
  postBody,
  previewBody,
} from './templates.js'
import { pageText } from './text.js'

/** The pages of one post: its page, an image's permalink, its embed, its press preview, its fragments. */
export function createPostPages(
  deps: RenderDeps,
  frame: PageFrame,
): Pick<PageRenderer, 'postPage' | 'imagePage' | 'previewPage' | 'pressKitPage' | 'embedPage' | 'fragments'> {
  const { origin, baseMeta, render, oembedUrl, onePost, countsOf } = frame

  /**
   * Posts of a channel as HTML fragments for the island (web/src/island/live.ts): new posts behind
   * the "new posts" pill, and a post again after an edit or a closed poll. The same pipeline and
   * templates as the pages, so spoiler and embargo rules cannot differ; requested order kept; posts
   * the viewer may not see (deleted, embargoed, another channel's) are simply absent.
   */
  async function fragments(
    language: Language,
    channel: ChannelRow,
    ids: readonly string[],
    view: 'card' | 'post',
  ): Promise<RenderedPage> {
    const text = pageText(language)
    const posts = await readPosts(deps, channel, ids, { language })
    const counts = await countsOf(channel, posts)
    const parts = posts.map((p) =>
      view === 'card'
        ? postCard(text, p, counts.get(p.id))
        : postArticle(text, origin(), channel, p, false, counts.get(p.id)),
    )
    return { html: html`${parts}`.value, isIndexable: false, isCacheable: false, link: null }
  }

  /** A post page; a revealed spoiler is for the reader who asked, never for search engines or caches. */
  async function postPage(
    language: Language,
    channel: ChannelRow,
    postId: string,
    reveal: boolean,
  ): Promise<RenderedPage> {
    const text = pageText(language)
    const post = await onePost(text, channel, postId, reveal)
    const meta: PageMeta = {
      ...baseMeta(text, channel, post.url, `${post.title} — ${channel.title}`, post.summary),
      ogType: 'article',
      image: cardImage(post, language),
      video: cardVideo(post),
      publishedAt: post.publishedAt,
      oembed: channel.visibility === 'private' ? null : oembedUrl(post.url),
    }
    if (reveal) meta.isIndexable = false
    const [counts] = (await countsOf(channel, [post])).values()
    const live: LivePage = { view: 'post', epoch: deps.streamEpoch, seq: channel.last_seq }
    const page = render(meta, channel, postBody(text, origin(), channel, post, reveal, live, counts), {
      isLive: true,
    })
    return reveal ? { ...page, isCacheable: false } : page
  }

  async function imagePage(
    language: Language,
    channel: ChannelRow,
    postId: string,
    n: number,
    reveal: boolean,
  ) {
    const text = pageText(language)
    const post = await onePost(text, channel, postId, reveal)
    const image = post.images[n - 1] ?? fail('media-not-found', `Post "${postId}" has no image ${n}.`)
    const title = `${text.t('post.photoOf', { n, count: post.images.length })} — ${post.title}`
    const description = image.isSpoiler ? (post.spoilerNote ?? blurredImageText(image, language)) : image.alt
    const meta: PageMeta = {
      ...baseMeta(text, channel, `${post.url}/${n}`, title, description),
      ogType: 'article',
      image: cardImage({ ...post, images: [image] }, language),
      oembed: channel.visibility === 'private' ? null : oembedUrl(post.url),
    }
    if (reveal) meta.isIndexable = false
    const live: LivePage = { view: 'image', epoch: deps.streamEpoch, seq: channel.last_seq }
    const page = render(meta, channel, imageBody(text, origin(), channel, post, image, reveal, live), {
      isLive: true,
    })
    return reveal ? { ...page, isCacheable: false } : page
  }

  /** A press preview: the embargoed post, banner, noindex, never cached. */
  async function previewPage(
    language: Language,
    token: string,
    opened: OpenedPreview,
  ): Promise<RenderedPage> {
    const text = pageText(language)
    const { channel, post: record } = opened
    const mediaUrl = (mediaId: string, file: string) => `${origin()}/preview/${token}/${mediaId}/${file}`
    const options = { isPressPreview: true, mediaUrl, language }
    const [post] = await presentPosts(deps, channel, [record], options)
    const title = text.t('preview.title', { title: post!.title })
    const meta: PageMeta = {
      ...baseMeta(text, channel, post!.url, title, text.t('preview.description')),
      isIndexable: false,
      feeds: null,
    }
    return {
      ...render(meta, channel, previewBody(text, origin(), channel, post!, record.status)),
      isCacheable: false,
    }
  }

  /** A press kit: read by its service through the press rules, with the kit's own facts; noindex, never cached. */
  async function pressKitPage(
    language: Language,
    token: string,
    opened: OpenedPressKit,
  ): Promise<RenderedPage> {
    const text = pageText(language)
    const { channel, digest, posts } = opened
    const title = digest
      ? text.t('pressKit.digestTitle', { title: digest.title, range: rangeLabel(digest, language) })
      : text.t('pressKit.title', { title: posts[0]!.post.title })
    const url = opened.digestUrl ?? posts[0]!.post.url
    const meta: PageMeta = {
      ...baseMeta(text, channel, url, title, text.t('pressKit.description')),
      isIndexable: false,
      feeds: null,
    }
    const zipUrl = `${origin()}/kit/${token}/press-kit.zip`
    return {
      ...render(meta, channel, pressKitBody(text, origin(), opened, zipUrl)),
      isCacheable: false,
    }
  }

  /** The embeddable view of a post (by id alone, as oEmbed hands it out). */
  async function embedPage(language: Language, channel: ChannelRow, postId: string): Promise<RenderedPage> {
    const text = pageText(language)
    const post = await onePost(text, channel, postId, false)
    const meta: PageMeta = {
      ...baseMeta(text, channel, post.url, post.title, post.summary),
      isIndexable: false,
      image: cardImage(post, language),
    }
    return {
      html: document(meta, deps.assets(), embedBody(text, origin(), channel, post), {
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

  return { postPage, imagePage, previewPage, pressKitPage, embedPage, fragments }
}
