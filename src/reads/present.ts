import type { ProductionViewData } from '../channels/index.js'
import type { ChannelRow, MediaRenderingRow, MediaVariant } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language, translator } from '../i18n/index.js'
import type { QuestionRow } from '../interactions/index.js'
import { extensionOf, mediaKindOf, parseCaptions, toAvView } from '../media/index.js'
import { type AlbumImageRow, findLinks, type PostRecord } from '../posts/index.js'
import type { SpoilerDecision } from './rules.js'
import type {
  ImageFile,
  PostTags,
  PublicAv,
  PublicImage,
  PublicLinkPreview,
  PublicPost,
  PublicVoiceNote,
} from './types.js'

/** Builds the URL of a media file; pages use /media/…, press previews their own token-scoped path. */
export type MediaUrl = (mediaId: string, fileName: string) => string

export interface PresentInput {
  channel: ChannelRow
  production: ProductionViewData | null
  origin: string
  post: PostRecord
  tags: PostTags | null
  tagLabels: string[]
  images: AlbumImageRow[]
  blurs: Map<string, MediaRenderingRow>
  question: QuestionRow | undefined
  reactions: number
  spoiler: SpoilerDecision
  mediaUrl: MediaUrl
  reveal: boolean
  /** The surface's language: titles and summaries made here ("3 photos from …"). */
  language: Language
  linkPreview: PublicLinkPreview | null
}

const DISPLAY_MAX = 1080

function variantFile(mediaUrl: MediaUrl, mediaId: string, v: MediaVariant): ImageFile {
  return {
    url: mediaUrl(mediaId, `${v.name}.${extensionOf[v.format]}`),
    width: v.width,
    height: v.height,
    type: `image/${v.format}`,
    bytes: v.bytes,
  }
}

/** The JPEG variants of an image, smallest first (JPEG: every feed reader and card renderer takes it). */
function jpegVariants(row: AlbumImageRow): MediaVariant[] {
  return (JSON.parse(row.variants) as MediaVariant[])
    .filter((v) => v.format === 'jpeg')
    .sort((a, b) => a.width - b.width)
}

/** The playable renditions of a video or voice note, smallest first; null for a photo. */
function presentAv(input: PresentInput, row: AlbumImageRow): PublicAv | null {
  const view = toAvView(row)
  if (view.kind === 'image') return null
  const playable = (JSON.parse(row.variants) as MediaVariant[]).filter((v) => v.format in AV_TYPES)
  const sources = playable.map((v) => ({
    url: input.mediaUrl(row.media_id, `${v.name}.${extensionOf[v.format]}`),
    width: v.width,
    height: v.height,
    type: AV_TYPES[v.format as keyof typeof AV_TYPES],
    bytes: v.bytes,
  }))
  const captions = parseCaptions(row).map((c) => ({
    lang: c.lang,
    label: c.label,
    url: input.mediaUrl(row.media_id, `captions-${c.lang}.vtt`),
  }))
  return { kind: view.kind, sources, durationMs: view.durationMs, waveform: view.waveform, captions }
}

const AV_TYPES = { mp4: 'video/mp4', ogg: 'audio/ogg', m4a: 'audio/mp4' } as const

function presentVoiceNote(input: PresentInput, row: AlbumImageRow, index: number): PublicVoiceNote | null {
  const isSpoiler = input.spoiler.imageSpoilers[index] ?? true
  const av = row.status === 'ready' ? presentAv(input, row) : null
  if (av?.kind !== 'audio' || (isSpoiler && !input.reveal)) return null
  return { n: index + 1, mediaId: row.media_id, alt: row.alt, credit: row.credit, rights: row.rights, av }
}

function presentImage(input: PresentInput, row: AlbumImageRow, index: number): PublicImage | null {
  if (row.status !== 'ready' || mediaKindOf(row.mime) === 'audio') return null
  const isSpoiler = input.spoiler.imageSpoilers[index] ?? true
  const jpegs = jpegVariants(row)
  const display = jpegs.filter((v) => Math.max(v.width, v.height) <= DISPLAY_MAX).at(-1) ?? jpegs[0]
  const small = jpegs[0]
  if (!display || !small) return null
  const real = {
    display: variantFile(input.mediaUrl, row.media_id, display),
    thumb: variantFile(input.mediaUrl, row.media_id, small),
  }
  const base = {
    n: index + 1,
    mediaId: row.media_id,
    alt: row.alt,
    credit: row.credit,
    rights: row.rights,
    blurhash: row.blurhash,
  }
  const av = presentAv(input, row)
  if (!isSpoiler) return { ...base, isSpoiler, spoilerLabel: null, ...real, revealed: null, av }
  const blur = input.blurs.get(row.media_id)
  // No blurred rendering (source missing): show nothing rather than the real image.
  if (!blur) return null
  const blurred: ImageFile = {
    url: input.mediaUrl(row.media_id, 'blur.jpg'),
    width: blur.width,
    height: blur.height,
    type: 'image/jpeg',
    bytes: blur.bytes,
  }
  return {
    ...base,
    isSpoiler,
    spoilerLabel: row.spoiler_label,
    display: blurred,
    thumb: blurred,
    revealed: input.reveal ? real.display : null,
    av: input.reveal ? av : null,
  }
}

function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`
}

function titleOf(input: PresentInput, text: string, images: PublicImage[]): string {
  const { spoiler, question, channel, language } = input
  const t = translator()
  if (spoiler.isPostSpoiler)
    return spoiler.label
      ? t.t(language, 'labels:spoilerLabelled', { label: clip(spoiler.label, 70) })
      : t.t(language, 'labels:spoiler')
  const firstLine = text.split('\n').find((l) => l.trim() !== '')
  if (firstLine) return clip(firstLine, 80)
  if (question) return clip(question.question, 80)
  if (images.length > 0)
    return t.t(language, 'labels:photosFrom', { count: images.length, channel: channel.title })
  return t.t(language, 'labels:postIn', { channel: channel.title })
}

/** The public shape of one post that has passed the rules (see types.ts). */
export function presentPost(input: PresentInput): PublicPost {
  const { post, spoiler, channel } = input
  const images = input.images
    .map((row, i) => presentImage(input, row, i))
    .filter((i): i is PublicImage => i !== null)
  const voiceNotes = input.images
    .map((row, i) => presentVoiceNote(input, row, i))
    .filter((v): v is PublicVoiceNote => v !== null)
  const hidden = spoiler.isPostSpoiler
  const text = hidden ? '' : post.text
  const question = input.question
    ? {
        text: input.question.question,
        options: input.question.options ? (JSON.parse(input.question.options) as string[]) : [],
      }
    : null
  const title = titleOf(input, text, images)
  const summary = hidden
    ? [spoiler.label, spoiler.note].filter(Boolean).join(' — ')
    : clip(
        text || question?.text || translator().t(input.language, 'labels:photos', { count: images.length }),
        200,
      )
  return {
    id: post.id,
    channelSlug: channel.slug,
    url: `${input.origin}/c/${encodeURIComponent(channel.slug)}/p/${post.id}`,
    author: { handle: post.author_handle, displayName: post.author_display_name },
    kind: post.kind,
    publishedAt: post.published_at ?? post.publish_at ?? post.created_at,
    editedAt: post.edited_at,
    text,
    links: hidden ? [] : findLinks(text),
    spoiler: hidden
      ? {
          label: spoiler.label,
          note: spoiler.note ?? translator().t(input.language, 'labels:containsSpoilers'),
        }
      : null,
    spoilerNote: spoiler.note,
    revealedText: hidden && input.reveal ? post.text : null,
    tags: input.tags,
    tagLabels: input.tagLabels,
    images,
    voiceNotes: hidden ? [] : voiceNotes,
    question: hidden ? null : question,
    reactions: input.reactions,
    title,
    summary,
    isPinned: post.pinned_at !== null,
    publishAt: post.publish_at,
    // Like the text: a spoiler post's card is hidden (a press preview's reveal shows the text only).
    linkPreview: hidden ? null : input.linkPreview,
  }
}

/**
 * The text standing for a spoiler image wherever it is shown blurred (its alt, a feed attachment's
 * title, a card's alt): its label if it has one. The image's own alt text may describe the spoiler,
 * so it is never used.
 */
export function blurredImageText(
  image: Pick<PublicImage, 'spoilerLabel'>,
  language: Language = DEFAULT_LANGUAGE,
): string {
  return image.spoilerLabel
    ? translator().t(language, 'labels:blurredImageLabelled', { label: image.spoilerLabel })
    : translator().t(language, 'labels:blurredImage')
}
