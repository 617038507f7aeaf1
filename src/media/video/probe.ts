/**
 * The probe (issue 20): what FFprobe reads from a video or audio file's headers — streams, codecs,
 * duration, dimensions, rotation — checked against the limits before a single frame is decoded.
 * FFprobe runs under the same bounds as FFmpeg (tools.ts) and reads at most `PROBE_BYTES` of the
 * file, so a hostile file costs a bounded probe and is refused with a problem type.
 */
import { fail } from '../../errors.js'
import { type AvContainer, DEMUXERS } from './detect.js'
import { type RunLimits, runTool, ToolError } from './tools.js'

export interface AvLimits extends RunLimits {
  maxSeconds: number
  maxSide: number
}

export interface AvProbe {
  kind: 'video' | 'audio'
  container: AvContainer
  /** Seconds; null when the container does not say (a stream recorded live). */
  durationSeconds: number | null
  /** Displayed size, after rotation; 0 for audio. */
  width: number
  height: number
  /** Degrees the player turns the picture (0, 90, 180, 270). */
  rotation: number
  videoCodec: string | null
  audioCodec: string | null
}

/** Codecs FFmpeg decodes that phones, cameras and browsers write; anything else is refused. */
const VIDEO_CODECS = new Set(['h264', 'hevc', 'vp8', 'vp9', 'av1', 'mpeg4', 'mjpeg', 'prores'])
const AUDIO_CODECS = new Set([
  'aac',
  'mp3',
  'opus',
  'vorbis',
  'flac',
  'alac',
  'amr_nb',
  'amr_wb',
  'pcm_s16le',
  'pcm_s24le',
  'pcm_f32le',
  'pcm_u8',
])

/** How much of the file FFprobe may read to find the streams. */
const PROBE_BYTES = 10 * 1_048_576

/** The FFmpeg input options shared by probe and transcode: this container only, local file only. */
export function inputOptions(container: AvContainer): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', DEMUXERS[container]]
}

interface FfprobeStream {
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  disposition?: { attached_pic?: number }
  side_data_list?: { rotation?: number }[]
  tags?: { rotate?: string }
}

/** Probes `path` and refuses what breaks a limit; see the module comment. */
export async function probeAv(path: string, container: AvContainer, limits: AvLimits): Promise<AvProbe> {
  const streams = await readStreams(path, container, limits)
  const video = streams.list.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1)
  const audio = streams.list.find((s) => s.codec_type === 'audio')
  if (!video && !audio) corrupt('it has no video or audio stream')
  if (video && !VIDEO_CODECS.has(video.codec_name ?? '')) unsupportedCodec(video.codec_name)
  if (audio && !AUDIO_CODECS.has(audio.codec_name ?? '')) unsupportedCodec(audio.codec_name)
  const duration = streams.durationSeconds
  if (duration !== null && duration > limits.maxSeconds) {
    fail(
      'video-too-long',
      `The file lasts ${Math.round(duration)} s; this server accepts at most ${limits.maxSeconds} s.`,
      { durationSeconds: Math.round(duration), maxSeconds: limits.maxSeconds },
    )
  }
  const probe = { container, durationSeconds: duration, audioCodec: audio?.codec_name ?? null }
  if (!video) return { ...probe, kind: 'audio', width: 0, height: 0, rotation: 0, videoCodec: null }
  const rotation = rotationOf(video)
  const [width, height] = [video.width ?? 0, video.height ?? 0]
  if (width <= 0 || height <= 0) corrupt('its picture size cannot be read')
  assertWithinSize(width, height, limits.maxSide)
  const isTurned = rotation === 90 || rotation === 270
  return {
    ...probe,
    kind: 'video',
    width: isTurned ? height : width,
    height: isTurned ? width : height,
    rotation,
    videoCodec: video.codec_name ?? null,
  }
}

async function readStreams(
  path: string,
  container: AvContainer,
  limits: RunLimits,
): Promise<{ list: FfprobeStream[]; durationSeconds: number | null }> {
  const args = [
    '-v',
    'error',
    ...inputOptions(container),
    '-probesize',
    String(PROBE_BYTES),
    '-show_entries',
    'format=duration:stream=codec_type,codec_name,width,height:stream_disposition=attached_pic:stream_side_data=rotation:stream_tags=rotate',
    '-of',
    'json',
    path,
  ]
  let parsed: { streams?: FfprobeStream[]; format?: { duration?: string } }
  try {
    const { stdout } = await runTool('ffprobe', args, limits)
    parsed = JSON.parse(stdout.toString('utf8'))
  } catch (error) {
    if (error instanceof ToolError && error.isTimeout) corrupt('reading its headers took too long')
    corrupt('its headers cannot be read')
  }
  const duration = Number(parsed.format?.duration)
  return { list: parsed.streams ?? [], durationSeconds: Number.isFinite(duration) ? duration : null }
}

function rotationOf(stream: FfprobeStream): number {
  const fromMatrix = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation
  const degrees = fromMatrix ?? Number(stream.tags?.rotate ?? 0)
  const normal = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360
  return Number.isFinite(normal) ? normal : 0
}

/** The pixel budget: a 16:9 frame whose long side is `maxSide` (4096 → 4096×2304). */
export function maxVideoPixels(maxSide: number): number {
  return Math.floor((maxSide * maxSide * 9) / 16)
}

function assertWithinSize(width: number, height: number, maxSide: number): void {
  const maxPixels = maxVideoPixels(maxSide)
  if (Math.max(width, height) <= maxSide && width * height <= maxPixels) return
  fail(
    'video-too-large-pixels',
    `The video is ${width}×${height}; this server accepts at most ${maxSide} pixels on a side and ${maxPixels.toLocaleString('en-US')} pixels in all.`,
    { width, height, maxSide },
  )
}

function corrupt(why: string): never {
  fail('video-corrupt', `The file looks like a video or audio container, but ${why}.`)
}

function unsupportedCodec(codec: string | undefined): never {
  fail(
    'unsupported-video-codec',
    `The file is encoded with ${codec ?? 'an unknown codec'}, which this server does not accept. Video: H.264, HEVC, VP8, VP9, AV1, MPEG-4; audio: AAC, MP3, Opus, Vorbis, FLAC, ALAC, AMR, PCM.`,
    { codec: codec ?? null },
  )
}
