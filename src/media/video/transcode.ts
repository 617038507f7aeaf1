/**
 * Transcoding (issue 20): FFmpeg turns a probed video into H.264/AAC MP4 renditions with fast start,
 * and a voice note into Opus (Ogg) and AAC (M4A, for Safari) with a waveform. Every output is
 * written with `-map_metadata -1 -map_chapters -1`, bit-exact muxing (no encoder tag), and only
 * the first video and audio streams mapped (no data, subtitle or timecode track), so no atom of
 * the upload — GPS `©xyz`, Apple's `mdta` keys, XMP `uuid` boxes, `creation_time`, chapters —
 * reaches a stored file: each is a fresh encoding of decoded frames and samples.
 *
 * Why MP4 renditions and not HLS: clips on set are short (BACKLOT_VIDEO_MAX_SECONDS, 3 minutes by
 * default). A fast-start MP4 starts playing after its first range request and seeks by range
 * requests, which the media routes and S3 both serve; HLS would add a playlist, hundreds of
 * segment files per clip in the media store, and a player library for browsers without native HLS
 * (Chromium), to gain adaptive bitrate that a 3-minute clip rarely needs. docs/operations.md.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { fail } from '../../errors.js'
import { type AvProbe, inputOptions } from './probe.js'
import { type RunLimits, runTool, ToolError } from './tools.js'

export interface TranscodeLimits extends RunLimits {
  maxSeconds: number
  keepOriginal: boolean
}

/** One file FFmpeg wrote into the work folder. */
export interface AvFile {
  /** '480p', '1080p', 'voice', 'original'. */
  name: string
  format: 'mp4' | 'm4a' | 'ogg'
  width: number
  height: number
  path: string
}

export interface TranscodedAv {
  files: AvFile[]
  /** A still of the video as PNG bytes (for the image pipeline: poster variants, blurhash); null for audio. */
  posterPng: Buffer | null
  /** Peaks of a voice note, 0–100, for the player; null for video. */
  waveform: number[] | null
  durationSeconds: number
}

/** Renditions by short side; a smaller video gets one rendition at its own size. */
export const RENDITIONS = [
  { name: '480p', shortSide: 480 },
  { name: '1080p', shortSide: 1080 },
] as const

/** Peaks in a voice note's waveform. */
export const WAVEFORM_PEAKS = 64

/** Output options that drop every metadata, chapter, data and subtitle stream, and the encoder tag. */
const NO_METADATA = [
  '-map_metadata',
  '-1',
  '-map_chapters',
  '-1',
  '-sn',
  '-dn',
  '-fflags',
  '+bitexact',
  '-flags:v',
  '+bitexact',
  '-flags:a',
  '+bitexact',
]

/**
 * Transcodes `input` (probed) into `workDir`, reporting progress (0–1) as FFmpeg reports it.
 * Throws `video-processing-failed` when FFmpeg fails or passes the time limit.
 */
export async function transcodeAv(
  input: string,
  probe: AvProbe,
  workDir: string,
  limits: TranscodeLimits,
  onProgress: (fraction: number) => void = () => {},
): Promise<TranscodedAv> {
  const seconds = Math.min(probe.durationSeconds ?? limits.maxSeconds, limits.maxSeconds)
  const progress = progressReader(seconds, onProgress)
  const files = await guard(() =>
    probe.kind === 'video'
      ? encodeRenditions(input, probe, workDir, limits, progress)
      : encodeVoice(input, probe, workDir, limits, progress),
  )
  if (limits.keepOriginal) files.push(await guard(() => remuxOriginal(input, probe, workDir, limits)))
  const durationSeconds = await guard(() => outputDuration(files[0]!.path, limits))
  if (probe.kind === 'audio') {
    const waveform = await guard(() => waveformOf(files[0]!.path, limits))
    return { files, posterPng: null, waveform, durationSeconds }
  }
  const posterPng = await guard(() => posterOf(files[0]!.path, durationSeconds, limits))
  return { files, posterPng, waveform: null, durationSeconds }
}

/** Output size with the short side at `shortSide` (never larger than the source), even numbers. */
export function renditionSize(width: number, height: number, shortSide: number) {
  const scale = Math.min(1, shortSide / Math.min(width, height))
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2)
  return { width: even(width), height: even(height) }
}

/** Which renditions a video gets: never upscaled; one at its own size when it is smaller. */
export function renditionsFor(width: number, height: number) {
  const shortSide = Math.min(width, height)
  const chosen: { name: string; width: number; height: number }[] = []
  for (const r of RENDITIONS) {
    chosen.push({ name: r.name, ...renditionSize(width, height, r.shortSide) })
    if (shortSide <= r.shortSide) break
  }
  return chosen
}

/** All renditions in one FFmpeg run: the video is decoded once and split. */
async function encodeRenditions(
  input: string,
  probe: AvProbe,
  workDir: string,
  limits: TranscodeLimits,
  onStdout: (chunk: Buffer) => void,
): Promise<AvFile[]> {
  const sizes = renditionsFor(probe.width, probe.height)
  const split = `[0:v:0]split=${sizes.length}${sizes.map((_, i) => `[s${i}]`).join('')}`
  const scales = sizes.map((s, i) => `[s${i}]scale=${s.width}:${s.height},setsar=1[o${i}]`)
  const files = sizes.map((s) => ({
    ...s,
    format: 'mp4' as const,
    path: path.join(workDir, `${s.name}.mp4`),
  }))
  const outputs = files.flatMap((file, i) => [
    '-map',
    `[o${i}]`,
    ...(probe.audioCodec ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []),
    ...NO_METADATA,
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
    ...['-movflags', '+faststart', '-f', 'mp4', file.path],
  ])
  await runTool(
    'ffmpeg',
    [...commonInput(input, probe, limits), '-filter_complex', [split, ...scales].join(';'), ...outputs],
    limits,
    onStdout,
  )
  return files
}

/** A voice note: Opus in Ogg for most browsers, AAC in M4A for Safari. */
async function encodeVoice(
  input: string,
  probe: AvProbe,
  workDir: string,
  limits: TranscodeLimits,
  onStdout: (chunk: Buffer) => void,
): Promise<AvFile[]> {
  const ogg = path.join(workDir, 'voice.ogg')
  const m4a = path.join(workDir, 'voice.m4a')
  const audio = ['-map', '0:a:0', '-ac', '1', ...NO_METADATA]
  await runTool(
    'ffmpeg',
    [
      ...commonInput(input, probe, limits),
      ...[...audio, '-c:a', 'libopus', '-b:a', '48k', '-f', 'ogg', ogg],
      ...[...audio, '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', '-f', 'mp4', m4a],
    ],
    limits,
    onStdout,
  )
  return [
    { name: 'voice', format: 'ogg', width: 0, height: 0, path: ogg },
    { name: 'voice', format: 'm4a', width: 0, height: 0, path: m4a },
  ]
}

/** The upload itself, streams copied (no re-encoding), without metadata: BACKLOT_VIDEO_KEEP_ORIGINAL. */
async function remuxOriginal(input: string, probe: AvProbe, workDir: string, limits: TranscodeLimits) {
  const format = probe.kind === 'video' ? ('mp4' as const) : ('m4a' as const)
  const out = path.join(workDir, `original.${format}`)
  const streams = probe.kind === 'video' ? ['-map', '0:v:0', '-map', '0:a:0?'] : ['-map', '0:a:0']
  // AAC, H.264 and HEVC copy into MP4 as they are; other codecs are encoded once more, losslessly
  // enough for an archive copy.
  const video =
    probe.videoCodec === 'h264' || probe.videoCodec === 'hevc'
      ? ['-c:v', 'copy']
      : ['-c:v', 'libx264', '-crf', '18']
  const audio = probe.audioCodec === 'aac' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k']
  await runTool(
    'ffmpeg',
    [
      ...commonInput(input, probe, limits),
      ...streams,
      ...video,
      ...audio,
      ...NO_METADATA,
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      out,
    ],
    limits,
  )
  return { name: 'original', format, width: probe.width, height: probe.height, path: out }
}

function commonInput(input: string, probe: AvProbe, limits: TranscodeLimits): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-y'],
    // Two threads per run: BACKLOT_MEDIA_PROCESSING_CONCURRENCY runs share the cores, and each
    // thread holds its own frame buffers.
    ...['-threads', '2', '-filter_threads', '1'],
    ...inputOptions(probe.container),
    // Whatever the container claims, never read past the duration limit (an endless stream).
    ...['-t', String(limits.maxSeconds), '-i', input],
  ]
}

/** The rendition's own duration, read back by FFprobe. */
async function outputDuration(file: string, limits: RunLimits): Promise<number> {
  const args = ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]
  const { stdout } = await runTool('ffprobe', args, limits)
  const seconds = Number(stdout.toString('utf8').trim())
  return Number.isFinite(seconds) ? seconds : 0
}

/** A frame one second in (or the middle of a shorter clip), as PNG, from the smallest rendition. */
async function posterOf(file: string, durationSeconds: number, limits: RunLimits): Promise<Buffer> {
  const at = Math.min(1, durationSeconds / 2).toFixed(3)
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-ss', at, '-i', file, '-frames:v', '1']
  const { stdout } = await runTool(
    'ffmpeg',
    [...args, '-map_metadata', '-1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
    limits,
  )
  if (stdout.length === 0)
    fail('video-processing-failed', 'No frame could be taken from the video for its poster.')
  return stdout
}

/** Decodes the voice note at 4 kHz mono and keeps the loudest sample of each of 64 slices. */
async function waveformOf(file: string, limits: RunLimits): Promise<number[]> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-i',
    file,
    '-ac',
    '1',
    '-ar',
    '4000',
    '-f',
    's16le',
    'pipe:1',
  ]
  const { stdout } = await runTool('ffmpeg', args, limits)
  return peaksOf(stdout, WAVEFORM_PEAKS)
}

/** `count` peaks (0–100) of 16-bit little-endian samples, scaled so the loudest is 100. */
export function peaksOf(pcm: Buffer, count: number): number[] {
  const samples = Math.floor(pcm.length / 2)
  const peaks = new Array<number>(count).fill(0)
  for (let i = 0; i < samples; i += 1) {
    const slot = Math.min(count - 1, Math.floor((i * count) / samples))
    const value = Math.abs(pcm.readInt16LE(i * 2))
    if (value > peaks[slot]!) peaks[slot] = value
  }
  const loudest = Math.max(...peaks)
  return peaks.map((p) => (loudest === 0 ? 0 : Math.round((p / loudest) * 100)))
}

/** Reads FFmpeg's `-progress` lines (`out_time_us=…`) into a fraction of `seconds`. */
function progressReader(seconds: number, onProgress: (fraction: number) => void) {
  return (chunk: Buffer) => {
    const match = /out_time_us=(\d+)/.exec(chunk.toString('latin1').split('\n').reverse().join('\n'))
    if (match && seconds > 0) onProgress(Math.min(1, Number(match[1]) / 1e6 / seconds))
  }
}

/** FFmpeg failing (or killed at the time limit) is the file's problem, answered with a problem type. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof ToolError)) throw error
    const why = error.isTimeout ? 'it took longer than the time limit' : 'FFmpeg could not decode it'
    fail('video-processing-failed', `The file could not be transcoded: ${why}.`)
  }
}

/** Removes a work folder and everything in it; never throws. */
export async function removeWorkDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true }).catch(() => {})
}

/**
 * A rendition read back from a channel archive (issue 20, `backlot import`): its streams copied
 * as they are into a fresh file of the same format, without any metadata, so a crafted archive
 * cannot bring a GPS atom in. Only what Backlot itself writes is accepted: H.264/AAC in MP4 or
 * M4A, Opus in Ogg; anything else is `video-processing-failed`.
 */
export async function remuxRendition(
  input: string,
  probe: AvProbe,
  workDir: string,
  limits: TranscodeLimits,
  format: 'mp4' | 'm4a' | 'ogg',
): Promise<string> {
  const expected =
    format === 'mp4'
      ? probe.kind === 'video' && probe.videoCodec === 'h264' && [null, 'aac'].includes(probe.audioCodec)
      : format === 'm4a'
        ? probe.kind === 'audio' && probe.audioCodec === 'aac'
        : probe.kind === 'audio' && probe.audioCodec === 'opus'
  if (!expected) fail('video-processing-failed', `Not a ${format} rendition as Backlot writes it.`)
  const out = path.join(workDir, `rendition.${format}`)
  const streams = probe.kind === 'video' ? ['-map', '0:v:0', '-map', '0:a:0?'] : ['-map', '0:a:0']
  const muxer = format === 'ogg' ? ['-f', 'ogg'] : ['-movflags', '+faststart', '-f', 'mp4']
  await runTool(
    'ffmpeg',
    [...commonInput(input, probe, limits), ...streams, '-c', 'copy', ...NO_METADATA, ...muxer, out],
    limits,
  )
  return out
}
