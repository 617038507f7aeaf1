import type { VideoConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { MediaCaption, MediaVariant } from '../db/schema.js'
import { DomainError } from '../errors.js'
import {
  completeMedia,
  storeArchivedCaption,
  storeArchivedPoster,
  storeArchivedRendition,
} from '../media/index.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { AvDocument } from './channel-av.js'
import { ImportError } from './import.js'

/**
 * Videos and voice notes of a channel archive read back (issue 20; channel-av.ts writes them):
 * `media.jsonl` says which files each has, the files under `media/{id}/` follow, and once the whole
 * archive is read each item becomes `ready` with its renditions, poster sizes and caption tracks.
 * An item none of whose renditions arrived stays out of sight (`failed`), like an image whose file
 * is missing.
 */
export interface AvImport {
  /** Notes what files a media item of `media.jsonl` has. */
  expect(id: string, doc: AvDocument): void
  isAvFile(name: string): boolean
  /** Checks and stores one file (ImportError when it is not listed or not what it claims). */
  add(name: string, bytes: Buffer): Promise<void>
  /** Completes every item; returns how many became ready. */
  finish(): Promise<number>
}

export interface AvImportDeps {
  db: Db
  mediaStore: MediaStore
  video: VideoConfig
  maxPixels: number
  now(): number
}

const AV_FILE = /^media\/([0-9A-HJKMNP-TV-Z]{26})\/([^/]+)$/
const WAVEFORM_MAX = 256

interface Collected {
  doc: AvDocument
  renditions: MediaVariant[]
  poster: MediaVariant[]
  blurhash: string | null
  captions: MediaCaption[]
}

export function createAvImport(deps: AvImportDeps): AvImport {
  const items = new Map<string, Collected>()

  function expect(id: string, doc: AvDocument): void {
    items.set(id, { doc, renditions: [], poster: [], blurhash: null, captions: [] })
  }

  async function add(name: string, bytes: Buffer): Promise<void> {
    const id = AV_FILE.exec(name)![1]!
    const item = items.get(id)
    if (!item) throw new ImportError(`${name} is not listed in media.jsonl`)
    try {
      await store(item, name, bytes)
    } catch (error) {
      if (error instanceof DomainError) throw new ImportError(`${name}: ${error.message}`)
      throw error
    }
  }

  async function store(item: Collected, name: string, bytes: Buffer): Promise<void> {
    const { doc } = item
    const rendition = doc.renditions.find((r) => r.file === name)
    const caption = doc.captions.find((c) => c.file === name)
    if (rendition && ['mp4', 'm4a', 'ogg'].includes(rendition.format)) {
      const format = rendition.format as 'mp4' | 'm4a' | 'ogg'
      item.renditions.push(await storeArchivedRendition(deps, bytes, { ...rendition, format }))
    } else if (doc.kind === 'video' && doc.poster === name) {
      const poster = await storeArchivedPoster(deps, bytes)
      item.poster = poster.variants
      item.blurhash = poster.blurhash
    } else if (caption && doc.kind === 'video') {
      item.captions.push(
        await storeArchivedCaption(deps, bytes, { ...caption, durationMs: doc.durationMs ?? null }),
      )
    } else throw new ImportError(`${name} is not listed in media.jsonl`)
  }

  async function finish(): Promise<number> {
    let ready = 0
    for (const [id, item] of items) {
      const isReady = item.renditions.length > 0 && (item.doc.kind === 'audio' || item.poster.length > 0)
      const largest = item.renditions.at(-1)
      await completeMedia(deps.db, id, {
        status: isReady ? 'ready' : 'failed',
        error: isReady ? null : 'video-corrupt',
        width: largest?.width ?? 0,
        height: largest?.height ?? 0,
        blurhash: item.blurhash,
        original_key: null,
        ready_at: isReady ? deps.now() : null,
        duration_ms: item.doc.durationMs ?? null,
        variants: [...item.renditions, ...item.poster],
        waveform: waveformOf(item.doc.waveform),
      })
      await deps.db
        .updateTable('media')
        .set({ captions: JSON.stringify(item.captions) })
        .where('id', '=', id)
        .execute()
      if (isReady) ready += 1
    }
    return ready
  }

  return { expect, isAvFile: (name) => AV_FILE.test(name), add, finish }
}

/** A voice note's peaks as the player takes them: at most 256 whole numbers from 0 to 100. */
function waveformOf(peaks: unknown): number[] | null {
  if (!Array.isArray(peaks)) return null
  const valid = peaks.slice(0, WAVEFORM_MAX).filter((p) => Number.isInteger(p) && p >= 0 && p <= 100)
  return valid.length === peaks.length ? (valid as number[]) : null
}
