/**
 * The video and voice pipeline (issue 20), from an uploaded file on disk to the files to store:
 * probe (limits checked before any frame is decoded) → transcode (bounded FFmpeg runs) → poster
 * through the image pipeline (metadata-free JPEG and WebP variants, blurhash) → bytes to store.
 * The work folder is removed whatever happens.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { VideoConfig } from '../../config/config.js'
import type { FileToStore } from '../files.js'
import { processImage } from '../processing.js'
import type { AvContainer } from './detect.js'
import { type AvLimits, type AvProbe, maxVideoPixels, probeAv } from './probe.js'
import { removeWorkDir, transcodeAv } from './transcode.js'

export interface ProcessedAv<Stored> {
  width: number
  height: number
  /** The poster's blurhash; null for a voice note. */
  blurhash: string | null
  durationMs: number
  waveform: number[] | null
  /** Renditions, then poster variants (video), then the kept original (BACKLOT_VIDEO_KEEP_ORIGINAL). */
  files: FileToStore[]
  /** What `store` made of the files (their keys), before the work folder was removed. */
  stored: Stored
}

/** The limits of the probe and of every FFmpeg run, from config. */
export function avLimits(config: VideoConfig): AvLimits {
  return {
    maxSeconds: config.maxSeconds,
    maxSide: config.maxSide,
    timeoutMs: config.timeoutMs,
    memoryLimitBytes: config.memoryLimitBytes,
  }
}

/** Probes the upload; throws its problem (too long, too large, corrupt, unknown codec). */
export function inspectAv(file: string, container: AvContainer, config: VideoConfig): Promise<AvProbe> {
  return probeAv(file, container, avLimits(config))
}

/** The MIME type of what was uploaded, from its container and what the probe found in it. */
export function mimeOfAv(probe: AvProbe): string {
  const kind = probe.kind === 'video' ? 'video' : 'audio'
  if (probe.container === 'iso') return `${kind}/mp4`
  if (probe.container === 'matroska') return `${kind}/webm`
  if (probe.container === 'ogg') return `${kind}/ogg`
  return probe.container === 'wav' ? 'audio/wav' : 'audio/mpeg'
}

/**
 * Transcodes a probed upload and hands the outputs to `store` while they are still in the work
 * folder: renditions as files on disk, streamed into the media store, never read whole into
 * memory; see the module comment.
 */
export async function processAv<Stored>(
  file: string,
  probe: AvProbe,
  config: VideoConfig,
  store: (files: FileToStore[]) => Promise<Stored>,
  onProgress?: (fraction: number) => void,
): Promise<ProcessedAv<Stored>> {
  await fs.mkdir(config.workDir, { recursive: true })
  const workDir = await fs.mkdtemp(path.join(config.workDir, 'av-'))
  try {
    const limits = { ...avLimits(config), keepOriginal: config.keepOriginal }
    const out = await transcodeAv(file, probe, workDir, limits, onProgress)
    const files: FileToStore[] = []
    for (const f of out.files) files.push({ ...f, size: (await fs.stat(f.path)).size })
    const durationMs = Math.round(out.durationSeconds * 1000)
    if (!out.posterPng) {
      const stored = await store(files)
      return { width: 0, height: 0, blurhash: null, durationMs, waveform: out.waveform, files, stored }
    }
    // The poster goes through the image pipeline: sRGB, metadata-free, every size class, blurhash.
    const poster = await processImage(out.posterPng, { maxPixels: maxVideoPixels(config.maxSide) })
    const rendition = files[0]!
    const ordered = [
      ...files.filter((f) => f.name !== 'original'),
      ...poster.variants,
      ...files.filter((f) => f.name === 'original'),
    ]
    const largest = files.filter((f) => f.name !== 'original').at(-1) ?? rendition
    return {
      width: largest.width,
      height: largest.height,
      blurhash: poster.blurhash,
      durationMs,
      waveform: null,
      files: ordered,
      stored: await store(ordered),
    }
  } finally {
    await removeWorkDir(workDir)
  }
}
