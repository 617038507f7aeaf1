import type { MediaRow, MediaVariant } from '../db/schema.js'
import { extensionOf, mediaKindOf, parseCaptions, parseVariants } from '../media/index.js'
import type { MediaFile } from './sections.js'

/**
 * Videos and voice notes in a channel archive (issue 20). Their upload is not kept (unless
 * BACKLOT_VIDEO_KEEP_ORIGINAL), so the archive carries what the server stored and shows: the
 * renditions (`480p.mp4`, `1080p.mp4`, `voice.ogg`, `voice.m4a`), the poster (its largest JPEG,
 * from which an import makes the poster's sizes and blurhash again) and each caption track, under
 * `media/{id}/`. Re-encoding a rendition on import would only lose quality: it is checked and
 * remuxed without metadata instead (import-av.ts).
 */
export interface AvDocument {
  kind: 'video' | 'audio'
  durationMs: number | null
  waveform: number[] | null
  renditions: { name: string; format: MediaVariant['format']; width: number; height: number; file: string }[]
  poster: string | null
  captions: { lang: string; label: string; file: string }[]
}

const RENDITION_FORMATS = new Set(['mp4', 'm4a', 'ogg'])

/** The archive's description of a video or voice note; null for a photo. */
export function avDocument(m: MediaRow): AvDocument | null {
  const kind = mediaKindOf(m.mime)
  if (kind === 'image') return null
  return {
    kind,
    durationMs: m.duration_ms === null ? null : Number(m.duration_ms),
    waveform: m.waveform === null ? null : (JSON.parse(m.waveform) as number[]),
    renditions: renditionsOf(m).map((v) => ({
      name: v.name,
      format: v.format,
      width: v.width,
      height: v.height,
      file: `media/${m.id}/${v.name}.${extensionOf[v.format]}`,
    })),
    poster: posterOf(m) ? `media/${m.id}/poster.jpg` : null,
    captions: parseCaptions(m).map((c) => ({
      lang: c.lang,
      label: c.label,
      file: `media/${m.id}/captions-${c.lang}.vtt`,
    })),
  }
}

/** Every stored file of a video or voice note that goes into the archive, named as in `avDocument`. */
export function avFiles(m: MediaRow): MediaFile[] {
  const poster = posterOf(m)
  return [
    ...renditionsOf(m).map((v) => ({ file: `media/${m.id}/${v.name}.${extensionOf[v.format]}`, key: v.key })),
    ...(poster ? [{ file: `media/${m.id}/poster.jpg`, key: poster.key }] : []),
    ...parseCaptions(m).map((c) => ({ file: `media/${m.id}/captions-${c.lang}.vtt`, key: c.key })),
  ]
}

function renditionsOf(m: MediaRow): MediaVariant[] {
  return parseVariants(m).filter((v) => RENDITION_FORMATS.has(v.format))
}

function posterOf(m: MediaRow): MediaVariant | undefined {
  return parseVariants(m)
    .filter((v) => v.format === 'jpeg')
    .sort((a, b) => b.width - a.width)[0]
}
