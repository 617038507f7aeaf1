import type { MediaRow, MediaVariant } from '../db/schema.js'
import { extensionOf, formatOfKey } from './files.js'
import { parseCaptions, parseVariants } from './store.js'

export interface MediaVariantView {
  name: string
  width: number
  height: number
  format: MediaVariant['format']
  url: string
}

export type MediaKind = 'image' | 'video' | 'audio'

/** A caption track of a video, as the API and the players see it (a `<track>`). */
export interface CaptionView {
  lang: string
  label: string
  url: string
}

/** What a video or voice note adds to an image's fields, in the media object and album items. */
export interface AvView {
  kind: MediaKind
  durationMs: number | null
  waveform: number[] | null
}

/** Image, video or voice note, from the detected type (never the client's claim). */
export function mediaKindOf(mime: string): MediaKind {
  if (mime.startsWith('video/')) return 'video'
  return mime.startsWith('audio/') ? 'audio' : 'image'
}

/** The kind, length and waveform of a media row. */
export function toAvView(row: Pick<MediaRow, 'mime' | 'duration_ms' | 'waveform'>): AvView {
  return {
    kind: mediaKindOf(row.mime),
    durationMs: row.duration_ms,
    waveform: row.waveform === null ? null : (JSON.parse(row.waveform) as number[]),
  }
}

export interface MediaView extends AvView {
  id: string
  status: MediaRow['status']
  error: string | null
  mime: string
  width: number
  height: number
  blurhash: string | null
  alt: string
  credit: string | null
  rights: string | null
  spoiler: boolean
  spoilerLabel: string | null
  variants: MediaVariantView[]
  originalUrl: string | null
  captions: CaptionView[]
  createdAt: string
  readyAt: string | null
  progress: number | null
}

/** Absolute URL of a media file: `{PUBLIC_URL}/media/{id}/{name}.{ext}`. */
export function mediaFileUrl(publicUrl: URL, id: string, fileName: string): string {
  return `${publicUrl.href.replace(/\/$/, '')}/media/${id}/${fileName}`
}

/**
 * The public URLs of a media item's files (every variant and the original), shared by the media
 * object and album items so the two can never disagree.
 */
export function mediaFileUrls(
  publicUrl: URL,
  id: string,
  row: Pick<MediaRow, 'variants' | 'original_key'> & Partial<Pick<MediaRow, 'captions'>>,
): Pick<MediaView, 'variants' | 'originalUrl' | 'captions'> {
  const originalFormat = formatOfKey(row.original_key)
  return {
    variants: parseVariants(row).map((v) => ({
      name: v.name,
      width: v.width,
      height: v.height,
      format: v.format,
      url: mediaFileUrl(publicUrl, id, `${v.name}.${extensionOf[v.format]}`),
    })),
    originalUrl: originalFormat
      ? mediaFileUrl(publicUrl, id, `original.${extensionOf[originalFormat]}`)
      : null,
    captions: parseCaptions(row).map((c) => ({
      lang: c.lang,
      label: c.label,
      url: mediaFileUrl(publicUrl, id, `captions-${c.lang}.vtt`),
    })),
  }
}

/** The API object of a media item; storage keys never leave the server. */
export function toMediaView(row: MediaRow, publicUrl: URL, progress: number | null = null): MediaView {
  return {
    id: row.id,
    status: row.status,
    error: row.error,
    mime: row.mime,
    width: row.width,
    height: row.height,
    blurhash: row.blurhash,
    alt: row.alt,
    credit: row.credit,
    rights: row.rights,
    spoiler: row.spoiler === 1,
    spoilerLabel: row.spoiler_label,
    ...mediaFileUrls(publicUrl, row.id, row),
    createdAt: new Date(row.created_at).toISOString(),
    readyAt: row.ready_at === null ? null : new Date(row.ready_at).toISOString(),
    ...toAvView(row),
    // This node's own figure when it is the one transcoding, else what that node last wrote.
    progress: row.status === 'processing' ? (progress ?? permille(row.progress_permille)) : null,
  }
}

function permille(value: number | null): number | null {
  return value === null ? null : Math.min(1, Math.max(0, value / 1000))
}
