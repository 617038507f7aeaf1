import type { PushFanoutReason } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language, translator } from '../i18n/index.js'
import { extensionOf, mediaFileUrl } from '../media/index.js'
import { MAX_PLAINTEXT_BYTES } from './ece.js'
import type { PushPost } from './post-source.js'

/**
 * The JSON a device receives (decrypted by the browser, shown by web/public/sw-push.js). One
 * payload per post and batch, encrypted per device. Spoiler posts carry only their label and no
 * image; an image is never one marked spoiler.
 */
export interface NotificationPayload {
  /** The channel's title. */
  title: string
  body: string
  /** The post page, opened (or focused) on click. */
  url: string
  /** Same tag for the same post: a later notification about it replaces the shown one. */
  tag: string
  /** A 320 px variant of the post's first non-spoiler image, when it has one. */
  icon?: string
  image?: string
  postId: string
  channel: string
  /** Epoch ms of publication (Notification.timestamp). */
  timestamp: number
  /** The post was edited: replace the shown notification quietly (no sound, no vibration). */
  update?: true
}

const EXCERPT_CHARS = 140

/** The notification for `post` in `language` (the device's: the person's setting, else its browser's). */
export function buildPayload(
  post: PushPost,
  publicUrl: URL,
  reason: PushFanoutReason,
  language: Language = DEFAULT_LANGUAGE,
): NotificationPayload {
  const base = publicUrl.href.replace(/\/+$/, '')
  const t = (key: string, values?: Record<string, unknown>) => translator().t(language, `push:${key}`, values)
  const text = describe(post, t)
  const body = reason === 'pinned' ? t('pinned', { text }) : text
  const payload: NotificationPayload = {
    title: post.channelTitle,
    body,
    url: `${base}/c/${encodeURIComponent(post.channelSlug)}/p/${post.id}`,
    tag: `post:${post.id}`,
    postId: post.id,
    channel: post.channelSlug,
    timestamp: post.publishedAt ?? 0,
  }
  if (reason === 'edited') payload.update = true
  const image = post.isSpoiler ? null : smallImageUrl(post, publicUrl)
  if (image) {
    payload.icon = image
    payload.image = image
  }
  return payload
}

/** The payload as bytes, shortened if a long title would not fit in one push message. */
export function encodePayload(payload: NotificationPayload): Buffer {
  let bytes = Buffer.from(JSON.stringify(payload))
  if (bytes.length <= MAX_PLAINTEXT_BYTES) return bytes
  const shorter = { ...payload, title: excerpt(payload.title, 80), body: excerpt(payload.body, 80) }
  bytes = Buffer.from(JSON.stringify(shorter))
  return bytes
}

/** The notification text: a spoiler's label only, an album's size, a poll's question, or an excerpt. */
function describe(post: PushPost, t: (key: string, values?: Record<string, unknown>) => string): string {
  if (post.isSpoiler)
    return post.spoilerLabel ? t('spoilerLabelled', { label: excerpt(post.spoilerLabel) }) : t('spoiler')
  if (post.photoCount > 0) {
    const album = t('album', { count: post.photoCount })
    const caption = excerpt(post.text)
    return caption ? `${album}\n${caption}` : album
  }
  if (post.kind === 'poll') return t('poll', { question: excerpt(post.question ?? post.text) })
  if (post.kind === 'prompt') return t('question', { question: excerpt(post.question ?? post.text) })
  return excerpt(post.text) || t('newPost')
}

export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const chars = [...flat]
  return chars.length <= max
    ? flat
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`
}

function smallImageUrl(post: PushPost, publicUrl: URL): string | null {
  const image = post.firstClearImage
  if (!image) return null
  const small = image.variants.filter((v) => v.name === '320')
  const variant = small.find((v) => v.format === 'jpeg') ?? small[0]
  if (!variant) return null
  return mediaFileUrl(publicUrl, image.mediaId, `${variant.name}.${extensionOf[variant.format]}`)
}
