import type { Db } from '../../db/database.js'
import type { MediaCaption, MediaRow } from '../../db/schema.js'
import { fail } from '../../errors.js'
import { contentKey, type MediaStore } from '../../media-store/media-store.js'
import { contentTypeOf, deleteUnreferenced } from '../files.js'
import { findMedia, parseCaptions, replaceUnattachedCaptions } from '../store.js'
import { mediaKindOf } from '../views.js'
import { parseWebVtt } from './webvtt.js'

/** Caption tracks per video: a handful of languages, plus SDH variants. */
export const CAPTIONS_MAX = 8
export const CAPTION_LABEL_MAX = 80

export interface CaptionDeps {
  db: Db
  mediaStore: MediaStore
}

export interface CaptionUpload {
  lang: string
  label: string
  bytes: Buffer
}

/**
 * Adds (or replaces, for the same language) a caption track of the owner's own ready video, while
 * it is in no post (like the media's other fields: an album's clip is changed by editing its
 * post). The file is validated and re-serialised (webvtt.ts) before anything is stored.
 */
export async function setCaption(
  deps: CaptionDeps,
  ownerId: string,
  mediaId: string,
  upload: CaptionUpload,
): Promise<MediaRow> {
  const row = await ownVideo(deps.db, ownerId, mediaId)
  const label = upload.label.trim()
  if (label === '' || label.length > CAPTION_LABEL_MAX) {
    fail('validation', `A caption track needs a label of 1 to ${CAPTION_LABEL_MAX} characters.`, {
      errors: [{ field: '/label', message: 'required, at most 80 characters' }],
    })
  }
  const parsed = parseWebVtt(upload.bytes, row.duration_ms)
  const captions = parseCaptions(row)
  const others = captions.filter((c) => c.lang !== upload.lang)
  if (others.length >= CAPTIONS_MAX) {
    fail('captions-full', `A video may have at most ${CAPTIONS_MAX} caption tracks; remove one first.`)
  }
  const bytes = Buffer.from(parsed.text, 'utf8')
  const key = await contentKey(bytes, 'vtt')
  await deps.mediaStore.put(key, bytes, contentTypeOf.vtt)
  const next: MediaCaption[] = [...others, { lang: upload.lang, label, key, bytes: bytes.length }]
  return save(deps, row, next, [key])
}

/** Removes the caption track of one language from the owner's own unattached video. */
export async function removeCaption(
  deps: CaptionDeps,
  ownerId: string,
  mediaId: string,
  lang: string,
): Promise<MediaRow> {
  const row = await ownVideo(deps.db, ownerId, mediaId)
  const captions = parseCaptions(row)
  if (!captions.some((c) => c.lang === lang)) {
    fail('caption-not-found', `This video has no caption track in "${lang}".`)
  }
  return save(
    deps,
    row,
    captions.filter((c) => c.lang !== lang),
    [],
  )
}

/**
 * Writes the new list if nobody changed it meanwhile and the video is still unattached; then
 * deletes the files no row uses any more (a replaced or removed track). On a refusal, the file
 * just put is removed again unless another row uses it.
 */
async function save(deps: CaptionDeps, row: MediaRow, next: MediaCaption[], added: string[]) {
  const previous = parseCaptions(row).map((c) => c.key)
  const isSaved = await replaceUnattachedCaptions(deps.db, row.id, row.captions, JSON.stringify(next))
  if (!isSaved) {
    await deleteUnreferenced(deps.db, deps.mediaStore, added)
    fail(
      'media-attached',
      'This video is part of a post (or changed meanwhile); add captions before posting it.',
    )
  }
  await deleteUnreferenced(deps.db, deps.mediaStore, previous)
  return (await findMedia(deps.db, row.id)) ?? fail('media-not-found', `No media ${row.id}.`)
}

async function ownVideo(db: Db, ownerId: string, mediaId: string): Promise<MediaRow> {
  const row = await findMedia(db, mediaId)
  if (!row || row.owner_id !== ownerId) fail('media-not-found', `No media ${mediaId}.`)
  if (mediaKindOf(row.mime) !== 'video') {
    fail('captions-video-only', 'Only a video can have caption tracks.')
  }
  if (row.status !== 'ready') fail('media-not-ready', 'Add captions once the video has finished processing.')
  return row
}
