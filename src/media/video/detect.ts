/**
 * Whether an upload's first bytes are a video or audio container this server hands to FFprobe
 * (issue 20). As for images (../detect.ts), the filename and the client's content type are never
 * consulted: a text file named clip.mp4 is text. Only these containers reach FFprobe, and FFprobe
 * and FFmpeg are also held to the matching demuxers (`DEMUXERS`), so a playlist or concat script
 * (which can name other files) is never opened as media.
 */
export type AvContainer = 'iso' | 'matroska' | 'ogg' | 'wav' | 'mp3'

/** FFmpeg demuxer names allowed per container (`-format_whitelist`). */
export const DEMUXERS: Record<AvContainer, string> = {
  iso: 'mov,mp4,m4a,3gp,3g2,mj2',
  matroska: 'matroska,webm',
  ogg: 'ogg',
  wav: 'wav',
  mp3: 'mp3',
}

/** ISO BMFF brands of video and audio files (images — AVIF, HEIC — are recognised before this). */
const ISO_AV_BRANDS =
  /^(isom|iso[2-9]|mp4[12]|avc1|qt {2}|M4[ABPV] |3g[gp2][0-9a-z]|3gs[0-9a-z]|dash|MSNV|f4v |mmp4)$/

/** The container the bytes start with, or null for anything else. */
export function detectAvContainer(bytes: Uint8Array): AvContainer | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 64))
  if (b.length < 12) return null
  const ascii = (from: number, to: number) => b.subarray(from, to).toString('latin1')
  if (ascii(4, 8) === 'ftyp') return ISO_AV_BRANDS.test(ascii(8, 12)) ? 'iso' : null
  // QuickTime files from older cameras start with another top-level atom.
  if (['moov', 'mdat', 'wide', 'free'].includes(ascii(4, 8))) return 'iso'
  if (b.readUInt32BE(0) === 0x1a45dfa3) return 'matroska'
  if (ascii(0, 4) === 'OggS') return 'ogg'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav'
  if (ascii(0, 3) === 'ID3' || (b[0] === 0xff && (b[1]! & 0xe6) === 0xe2)) return 'mp3'
  return null
}
