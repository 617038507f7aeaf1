import path from 'node:path'
import { parseArgs } from 'node:util'
import { readClientEnv } from '../config/client.js'
import { ALBUM_MAX } from '../posts/index.js'
import { type CaptionArg, parseCaptionArgs } from './post-captions.js'

export const postUsage = `Usage: backlot post --channel SLUG [--text TEXT] [--spoiler LABEL] FILE…
         per file:   [--alt TEXT]… [--credit TEXT]… [--rights TEXT]… [--spoiler-image N[:LABEL]]…
                     [--captions N:LANG:FILE.vtt]…
         tags:       [--week N | --weeks N-M] [--chapter N]… [--location TEXT] [--unit TEXT]
         release:    [--draft | --publish-at ISO-TIME] [--strict]
         connection: [--server URL] [--token TOKEN]

Uploads each image (with a progress bar on stderr), publishes them as one album post and prints
its URL. Video and voice files go up as resumable uploads (tus): a dropped connection is retried
where it stopped, and running the same command again after a failure resumes them
(BACKLOT_UPLOAD_STATE says where their URLs are kept). The n-th --alt, --credit and --rights belong to the n-th file. Without an --alt for every
file, a warning per file is printed and the post is published anyway; --strict refuses instead,
before uploading anything. --spoiler marks the whole post as a spoiler with that label (e.g.
"Chapter 8"); --spoiler-image 3:Finale blurs the third file only, with an optional label.
--captions 2:en:clip.en.vtt attaches a WebVTT caption track in that language to the second file
(a video). --week/--weeks, --chapter, --location and --unit are the post's production tags. --draft saves it
unpublished; --publish-at schedules it (an embargo: nobody sees it before), e.g.
2026-12-08T09:00:00+01:00 — a time zone is required. The token (scope "post") also comes from
BACKLOT_TOKEN, the server from BACKLOT_URL (default http://127.0.0.1:8080).`

/** A failure the user can act on: printed as one line, exit code 1. */
export class PostError extends Error {}

/** What the n-th file shows in the album; fields left out are not sent. */
export interface FileFields {
  file: string
  alt?: string
  credit?: string
  rights?: string
  spoiler?: true
  spoilerLabel?: string
}

export interface ProductionTags {
  weeks?: { from: number; to?: number }
  chapters?: number[]
  location?: string
  unit?: string
}

export interface PostOptions {
  slug: string
  text?: string
  spoilerLabel?: string
  files: FileFields[]
  /** `--captions N:LANG:FILE`: caption tracks of the files that are videos. */
  captions: CaptionArg[]
  production?: ProductionTags
  release: { status: 'published' } | { status: 'draft' } | { status: 'scheduled'; publishAt: string }
  isStrict: boolean
  serverUrl: string
  token: string
  /** Resumable uploads not finished yet (client.ts): a second run of the command resumes them. */
  uploadStateFile: string
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      channel: { type: 'string' },
      text: { type: 'string' },
      spoiler: { type: 'string' },
      alt: { type: 'string', multiple: true },
      credit: { type: 'string', multiple: true },
      rights: { type: 'string', multiple: true },
      'spoiler-image': { type: 'string', multiple: true },
      captions: { type: 'string', multiple: true },
      week: { type: 'string' },
      weeks: { type: 'string' },
      chapter: { type: 'string', multiple: true },
      location: { type: 'string' },
      unit: { type: 'string' },
      draft: { type: 'boolean' },
      'publish-at': { type: 'string' },
      strict: { type: 'boolean' },
      server: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

type Values = ReturnType<typeof parse>['values']

/**
 * The parsed options, or null when help was asked for. Everything that can be checked without the
 * server is checked here, so a mistake costs no upload.
 */
export function parsePostArgs(args: string[]): PostOptions | null {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    throw new PostError(`${(error as Error).message}\n${postUsage}`)
  }
  const { values, positionals } = parsed
  if (values.help) return null
  if (!values.channel) throw new PostError(`post needs --channel SLUG\n${postUsage}`)
  if (positionals.length === 0) throw new PostError(`post needs at least one image file\n${postUsage}`)
  if (positionals.length > ALBUM_MAX) throw new PostError(`an album holds at most ${ALBUM_MAX} images`)
  const production = productionTags(values)
  return {
    slug: values.channel,
    ...(values.text !== undefined && { text: values.text }),
    ...(values.spoiler !== undefined && { spoilerLabel: values.spoiler }),
    files: fileFields(values, positionals),
    captions: parseCaptionArgs(values.captions ?? [], positionals.length),
    ...(production && { production }),
    release: release(values),
    isStrict: values.strict === true,
    ...client(values),
  }
}

function client(values: Values): { serverUrl: string; token: string; uploadStateFile: string } {
  let env: ReturnType<typeof readClientEnv>
  try {
    env = readClientEnv({ server: values.server, token: values.token })
  } catch (error) {
    throw new PostError((error as Error).message)
  }
  if (!env.token) throw new PostError('post needs an API token: --token or BACKLOT_TOKEN')
  return { serverUrl: env.serverUrl, token: env.token, uploadStateFile: env.uploadStateFile }
}

/** The n-th --alt, --credit and --rights, and the --spoiler-image marks, by file. */
function fileFields(values: Values, files: string[]): FileFields[] {
  const perFile = { alt: values.alt ?? [], credit: values.credit ?? [], rights: values.rights ?? [] }
  for (const [name, list] of Object.entries(perFile)) {
    if (list.length > files.length) throw new PostError(`${list.length} --${name} for ${files.length} files`)
  }
  const fields: FileFields[] = files.map((file, i) => ({
    file,
    ...(perFile.alt[i] !== undefined && { alt: perFile.alt[i] }),
    ...(perFile.credit[i] && { credit: perFile.credit[i] }),
    ...(perFile.rights[i] && { rights: perFile.rights[i] }),
  }))
  for (const mark of values['spoiler-image'] ?? []) {
    const match = /^(\d+)(?::(.*))?$/s.exec(mark)
    const n = match ? Number(match[1]) : Number.NaN
    if (!(n >= 1 && n <= files.length)) {
      throw new PostError(
        `--spoiler-image ${mark}: give a file number from 1 to ${files.length}, then :LABEL if you like`,
      )
    }
    const label = match![2]?.trim()
    Object.assign(fields[n - 1]!, { spoiler: true }, label && { spoilerLabel: label })
  }
  return fields
}

/** The production tags from --captions 2:en:clip.en.vtt attaches a WebVTT caption track in that language to the second file
(a video). --week/--weeks, --chapter, --location, --unit; undefined when none. */
function productionTags(values: Values): ProductionTags | undefined {
  if (values.week !== undefined && values.weeks !== undefined) {
    throw new PostError('give --week N or --weeks N-M, not both')
  }
  const tags: ProductionTags = {}
  if (values.week !== undefined) tags.weeks = { from: positive('--week', values.week) }
  if (values.weeks !== undefined) {
    const match = /^\s*(\d+)\s*[-–]\s*(\d+)\s*$/.exec(values.weeks)
    if (!match) throw new PostError(`--weeks ${values.weeks}: write a range such as 11-14`)
    tags.weeks = { from: positive('--weeks', match[1]!), to: positive('--weeks', match[2]!) }
  }
  if (values.chapter) tags.chapters = values.chapter.map((c) => positive('--chapter', c))
  if (values.location !== undefined) tags.location = values.location
  if (values.unit !== undefined) tags.unit = values.unit
  return Object.keys(tags).length > 0 ? tags : undefined
}

function positive(option: string, value: string): number {
  const n = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || n < 1) throw new PostError(`${option} ${value}: expected a number from 1`)
  return n
}

// An embargo read in the wrong time zone publishes hours early: the offset must be written out.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i

function release(values: Values): PostOptions['release'] {
  const at = values['publish-at']
  if (values.draft && at !== undefined) throw new PostError('give --draft or --publish-at, not both')
  if (values.draft) return { status: 'draft' }
  if (at === undefined) return { status: 'published' }
  const ms = Date.parse(at)
  if (!ISO_WITH_ZONE.test(at) || Number.isNaN(ms)) {
    throw new PostError(`--publish-at ${at}: write an ISO time with its zone, e.g. 2026-12-08T09:00:00+01:00`)
  }
  return { status: 'scheduled', publishAt: new Date(ms).toISOString() }
}

/** The files without alt text, as the warning (or --strict refusal) names them. */
export function filesWithoutAlt(options: PostOptions): { n: number; name: string }[] {
  return options.files.flatMap((f, i) =>
    f.alt === undefined || f.alt.trim() === '' ? [{ n: i + 1, name: path.basename(f.file) }] : [],
  )
}
