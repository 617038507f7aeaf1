import fs from 'node:fs/promises'
import { PostError } from './post-args.js'

/** A caption track for the n-th file of `backlot post`: `--captions N:LANG:FILE`. */
export interface CaptionArg {
  /** 1-based file number. */
  n: number
  lang: string
  label: string
  file: string
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/

/**
 * Reads `--captions N:LANG:FILE` (the file may contain ':'); the track's label is the language's
 * own name ("English", "français"), as a player's caption menu shows it.
 */
export function parseCaptionArgs(values: readonly string[], fileCount: number): CaptionArg[] {
  return values.map((value) => {
    const match = /^(\d+):([^:]+):(.+)$/s.exec(value)
    const n = Number(match?.[1])
    const lang = match?.[2] ?? ''
    if (!match || !(n >= 1 && n <= fileCount) || !LANGUAGE_TAG.test(lang)) {
      throw new PostError(
        `--captions ${value}: write N:LANG:FILE, e.g. 1:en:clip.en.vtt (N from 1 to ${fileCount}, LANG a language tag)`,
      )
    }
    return { n, lang, label: languageName(lang), file: match[3]! }
  })
}

function languageName(lang: string): string {
  try {
    const name = new Intl.DisplayNames([lang], { type: 'language' }).of(lang)
    return name ? name.charAt(0).toLocaleUpperCase(lang) + name.slice(1) : lang
  } catch {
    return lang
  }
}

/** Every caption file is read before the first upload: a typo wastes no upload. */
export async function readCaptionFiles(captions: readonly CaptionArg[]): Promise<Buffer[]> {
  return Promise.all(
    captions.map((c) =>
      fs.readFile(c.file).catch(() => {
        throw new PostError(`${c.file}: no such caption file`)
      }),
    ),
  )
}

/**
 * Attaches each caption track to its uploaded (processed) video with
 * `PUT /api/v1/media/{id}/captions/{lang}`, before the post claims the video. A refusal names the
 * file and the server's problem detail (a caption on a photo, an invalid WebVTT line).
 */
export async function attachCaptions(
  client: { serverUrl: string; token: string },
  captions: readonly CaptionArg[],
  bytes: readonly Buffer[],
  mediaIds: readonly string[],
): Promise<void> {
  for (const [i, caption] of captions.entries()) {
    const id = mediaIds[caption.n - 1]!
    const url = `${client.serverUrl}/api/v1/media/${id}/captions/${encodeURIComponent(caption.lang)}?label=${encodeURIComponent(caption.label)}`
    let res: Response
    try {
      res = await fetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${client.token}`, 'content-type': 'text/vtt' },
        body: bytes[i]!,
      })
    } catch (error) {
      throw new PostError(`${caption.file}: cannot reach ${client.serverUrl} (${(error as Error).message})`)
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => null)) as { detail?: unknown } | null
      const detail = typeof problem?.detail === 'string' ? problem.detail : `HTTP ${res.status}`
      throw new PostError(`${caption.file}: ${detail}`)
    }
  }
}
