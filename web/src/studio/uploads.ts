import { api, uploadForm } from '../app/api.js'
import { t } from '../app/i18n.js'
import type { Media } from '../app/types.js'
import { isVideoOrVoice, uploadResumable } from './resumable-upload.js'

/** One photo in the composer: its local preview, upload progress and the server's media object. */
export interface UploadItem {
  key: string
  file: File
  previewUrl: string
  /** 0..1 of the bytes sent. */
  progress: number
  status: 'uploading' | 'processing' | 'ready' | 'failed'
  media: Media | null
  error: unknown
  alt: string
  credit: string
  rights: string
  spoiler: boolean
  spoilerLabel: string
  abort?: () => void
}

export const MAX_PHOTOS = 20
const POLL_MS = 1000

let counter = 0

export function newItem(file: File): UploadItem {
  return {
    key: `u${++counter}`,
    file,
    previewUrl: URL.createObjectURL(file),
    progress: 0,
    status: 'uploading',
    media: null,
    error: null,
    alt: '',
    credit: '',
    rights: '',
    spoiler: false,
    spoilerLabel: '',
  }
}

// Uploads sent at once. The server gives each account a share of its upload slots
// (MEDIA_UPLOADS_PER_ACCOUNT, 4 by default) and answers 429 beyond it, so an album of 20 photos is
// sent a few at a time; one slot stays free for the avatar form or a second tab.
const PARALLEL_UPLOADS = 3
let sending = 0
const queued: (() => void)[] = []

/**
 * Sends one file to `POST /api/v1/media` with progress (once fewer than `PARALLEL_UPLOADS` are on
 * their way), then, if the server is still processing (202), polls the media object until it is
 * ready or failed. `update` receives partial changes.
 */
export function startUpload(
  item: UploadItem,
  update: (key: string, patch: Partial<UploadItem>) => void,
  /** The channel posted to: videos and voice notes go to its resumable upload endpoint. */
  slug?: string,
): void {
  const send = () => {
    sending += 1
    sendUpload(item, update, slug, () => {
      sending -= 1
      queued.shift()?.()
    })
  }
  if (sending < PARALLEL_UPLOADS) {
    send()
    return
  }
  queued.push(send)
  update(item.key, {
    abort: () => {
      const at = queued.indexOf(send)
      if (at !== -1) queued.splice(at, 1)
    },
  })
}

function sendUpload(
  item: UploadItem,
  update: (key: string, patch: Partial<UploadItem>) => void,
  slug: string | undefined,
  sent: () => void,
): void {
  const onProgress = (progress: number) => update(item.key, { progress })
  const handle =
    slug && isVideoOrVoice(item.file)
      ? uploadResumable(slug, item.file, onProgress)
      : uploadForm<Media>('/api/v1/media', formOf(item.file), onProgress)
  update(item.key, { abort: handle.abort })
  handle.promise.finally(sent).catch(() => {})
  handle.promise.then(
    async (media) => {
      update(item.key, { media, status: media.status === 'ready' ? 'ready' : 'processing', progress: 1 })
      let current = media
      while (current.status === 'processing') {
        await new Promise((r) => setTimeout(r, POLL_MS))
        current = await api.get<Media>(`/api/v1/media/${encodeURIComponent(media.id)}`)
        if (current.status === 'processing') update(item.key, { media: current })
      }
      if (current.status === 'failed') {
        update(item.key, {
          media: current,
          status: 'failed',
          error: new Error(
            t('studio.upload.processingFailed', { reason: current.error ?? t('studio.upload.unknown') }),
          ),
        })
      } else update(item.key, { media: current, status: 'ready' })
    },
    (error: unknown) => update(item.key, { status: 'failed', error }),
  )
}

function formOf(file: File): FormData {
  const form = new FormData()
  form.append('file', file, file.name)
  return form
}

/** Moves the element at `from` to `to` (both clamped), returning a new array. */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list]
  if (from < 0 || from >= next.length) return next
  const [x] = next.splice(from, 1)
  next.splice(Math.max(0, Math.min(next.length, to)), 0, x as T)
  return next
}

/** Photos still without alt text (the composer warns before publishing them). */
export function missingAlt(items: readonly UploadItem[]): number {
  return items.filter((i) => i.status !== 'failed' && i.alt.trim() === '').length
}
