import fs from 'node:fs/promises'
import path from 'node:path'
import type { VideoConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { MediaCaption, MediaVariant } from '../db/schema.js'
import { fail } from '../errors.js'
import { contentKey, type MediaStore } from '../media-store/media-store.js'
import { parseWebVtt } from './captions/webvtt.js'
import { contentTypeOf, putFiles, toVariant } from './files.js'
import { processImage } from './processing.js'
import { detectAvContainer } from './video/detect.js'
import { avLimits, inspectAv } from './video/process.js'
import { removeWorkDir, remuxRendition } from './video/transcode.js'

/**
 * Files of a video or voice note read back from a channel archive (issue 20, `backlot import`),
 * each held to what an upload is held to before it is stored: a rendition is probed (limits of
 * BACKLOT_VIDEO_*) and remuxed without metadata; the poster goes through the image pipeline; a
 * caption track through the WebVTT reader.
 */
export interface ArchivedAvDeps {
  db: Db
  mediaStore: MediaStore
  video: VideoConfig
  maxPixels: number
}

/** Stores one rendition (`480p.mp4`, `voice.ogg`…) and returns its variant entry. */
export async function storeArchivedRendition(
  deps: ArchivedAvDeps,
  bytes: Buffer,
  rendition: { name: string; format: 'mp4' | 'm4a' | 'ogg'; width: number; height: number },
): Promise<MediaVariant> {
  if (bytes.length > deps.video.maxBytes) fail('media-too-large', 'The rendition is larger than allowed.')
  const container = detectAvContainer(bytes)
  if (!container) fail('unsupported-media-type', `Not a ${rendition.format} file.`)
  await fs.mkdir(deps.video.workDir, { recursive: true })
  const workDir = await fs.mkdtemp(path.join(deps.video.workDir, 'av-'))
  try {
    const input = path.join(workDir, 'input')
    await fs.writeFile(input, bytes)
    const probe = await inspectAv(input, container, deps.video)
    const limits = { ...avLimits(deps.video), keepOriginal: false }
    const out = await remuxRendition(input, probe, workDir, limits, rendition.format)
    const file = { ...rendition, width: probe.width, height: probe.height, bytes: await fs.readFile(out) }
    const [key] = await putFiles(deps.db, deps.mediaStore, [file])
    return toVariant(file, key!)
  } finally {
    await removeWorkDir(workDir)
  }
}

/** Makes a video's poster sizes (and blurhash) again from its archived JPEG and stores them. */
export async function storeArchivedPoster(
  deps: ArchivedAvDeps,
  bytes: Buffer,
): Promise<{ variants: MediaVariant[]; blurhash: string }> {
  const poster = await processImage(bytes, { maxPixels: deps.maxPixels })
  const keys = await putFiles(deps.db, deps.mediaStore, poster.variants)
  return { variants: poster.variants.map((v, i) => toVariant(v, keys[i]!)), blurhash: poster.blurhash }
}

/** Validates (webvtt.ts) and stores an archived caption track. */
export async function storeArchivedCaption(
  deps: Pick<ArchivedAvDeps, 'mediaStore'>,
  bytes: Buffer,
  track: { lang: string; label: string; durationMs: number | null },
): Promise<MediaCaption> {
  const text = Buffer.from(parseWebVtt(bytes, track.durationMs).text, 'utf8')
  const key = await contentKey(text, 'vtt')
  await deps.mediaStore.put(key, text, contentTypeOf.vtt)
  return { lang: track.lang, label: track.label.slice(0, 80), key, bytes: text.length }
}
