import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { detectAvContainer } from '../media/index.js'
import { filesWithoutAlt, PostError, type PostOptions, parsePostArgs, postUsage } from './post-args.js'
import { attachCaptions, readCaptionFiles } from './post-captions.js'
import { createProgressBar } from './progress.js'
import { uploadResumable } from './resumable-upload.js'
import { type ApiAnswer, requestJson, uploadFile } from './upload.js'

export { postUsage }

/**
 * `backlot post`: checks the options (and, with --strict, that every file has alt text), uploads
 * the files one by one, then creates the album — with its production tags, per-image fields and
 * release (published, draft or scheduled) in that one request, so fans never see it untagged — with
 * an Idempotency-Key (a retried request cannot publish twice). Any failure names the file (or the
 * post) and the server's problem detail, and exits 1; uploads already made are swept by the server
 * after a day.
 */
export async function runPost(args: string[]): Promise<number> {
  try {
    const options = parsePostArgs(args)
    if (!options) {
      console.log(postUsage)
      return 0
    }
    const sizes = await fileSizes(options)
    const captionBytes = await readCaptionFiles(options.captions)
    checkAltText(options)
    const media = await uploadAll(options, sizes)
    await attachCaptions(
      options,
      options.captions,
      captionBytes,
      media.map((m) => m.id),
    )
    const post = await publish(options, media)
    for (const warning of post.warnings) console.error(`backlot: warning: ${warning}`)
    const note = unpublishedNote(options.release)
    if (note) console.error(`backlot: ${note}`)
    console.log(`${options.serverUrl}/c/${encodeURIComponent(options.slug)}/p/${post.id}`)
    return 0
  } catch (error) {
    if (!(error instanceof PostError)) throw error
    console.error(`backlot: ${error.message}`)
    return 1
  }
}

/** For a post not published yet, a line saying so: its URL answers 404 to everyone else until then. */
function unpublishedNote(release: PostOptions['release']): string | null {
  if (release.status === 'draft') return 'saved as a draft: nobody sees it until it is published'
  if (release.status === 'scheduled') return `scheduled: nobody sees it before ${release.publishAt}`
  return null
}

/**
 * Alt text is how people using screen readers know what a photo shows. A file without one is a
 * warning line each (the post still goes out, as in the studio), or with --strict a refusal before
 * anything is uploaded.
 */
function checkAltText(options: PostOptions): void {
  const missing = filesWithoutAlt(options)
  if (missing.length === 0) return
  if (options.isStrict) {
    const names = missing.map((m) => `${m.name} (file ${m.n})`).join(', ')
    throw new PostError(`--strict: no alt text for ${names}; give one --alt per file`)
  }
  for (const m of missing) {
    console.error(
      `backlot: warning: ${m.name} (file ${m.n}) has no alt text (--alt): people using screen readers will not know what it shows`,
    )
  }
}

interface Uploaded {
  file: string
  id: string
}

/** Every file is checked before the first byte goes out: a typo in the last name wastes no upload. */
async function fileSizes(options: PostOptions): Promise<number[]> {
  const sizes: number[] = []
  for (const { file } of options.files) {
    const stat = await fs.stat(file).catch(() => null)
    if (!stat?.isFile()) throw new PostError(`${file}: no such file`)
    sizes.push(stat.size)
  }
  return sizes
}

async function uploadAll(options: PostOptions, sizes: number[]): Promise<Uploaded[]> {
  const uploaded: Uploaded[] = []
  for (const [i, { file, alt }] of options.files.entries()) {
    const label = `[${i + 1}/${options.files.length}] ${shortName(file)}`
    const bar = createProgressBar(process.stderr, label, sizes[i]!)
    let answer: ApiAnswer
    try {
      const onProgress = (sent: number) => bar.update(sent)
      answer = (await isVideoOrVoice(file))
        ? await uploadResumable({
            serverUrl: options.serverUrl,
            token: options.token,
            slug: options.slug,
            filePath: file,
            size: sizes[i]!,
            fields: alt === undefined ? {} : { alt },
            stateFile: options.uploadStateFile,
            onProgress,
          })
        : await uploadFile({
            serverUrl: options.serverUrl,
            token: options.token,
            filePath: file,
            size: sizes[i]!,
            alt,
            onProgress,
          })
      if (answer.status === 202 || answer.body?.status === 'processing') {
        answer = await waitUntilProcessed(options, answer)
      }
    } catch (error) {
      bar.finish('failed')
      throw new PostError(`${file}: cannot reach ${options.serverUrl} (${networkReason(error)})`)
    }
    if (answer.status !== 200 && answer.status !== 201) {
      bar.finish('refused')
      throw new PostError(`${file}: ${problemDetail(answer)}`)
    }
    if (answer.body?.status !== 'ready') {
      bar.finish('failed')
      throw new PostError(`${file}: processing failed (${String(answer.body?.error ?? 'unknown error')})`)
    }
    bar.finish('ready')
    uploaded.push({ file, id: String(answer.body.id) })
  }
  return uploaded
}

/**
 * A clip or voice note (by its first bytes, as the server decides) goes up resumable (tus), so a
 * set's network can drop it halfway; a photo is small and goes as one multipart request.
 */
async function isVideoOrVoice(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r')
  try {
    const head = Buffer.alloc(64)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return detectAvContainer(head.subarray(0, bytesRead)) !== null
  } finally {
    await handle.close()
  }
}

const POLL_MS = 500
const PROCESSING_TIMEOUT_MS = 10 * 60_000

/** An upload answered 202 is still processing on the server: poll until it is ready or failed. */
async function waitUntilProcessed(options: PostOptions, accepted: ApiAnswer): Promise<ApiAnswer> {
  const deadline = Date.now() + PROCESSING_TIMEOUT_MS
  let answer = accepted
  while (answer.status < 300 && answer.body?.status === 'processing' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    answer = await requestJson(
      options.serverUrl,
      options.token,
      'GET',
      `/api/v1/media/${String(answer.body.id)}`,
    )
  }
  return answer
}

/** The create request: text, spoiler, per-image fields, production tags and release, all at once. */
function postBody(options: PostOptions, media: Uploaded[]) {
  const { release } = options
  return {
    ...(options.text !== undefined && { text: options.text }),
    ...(options.spoilerLabel !== undefined && { spoilerLabel: options.spoilerLabel }),
    media: media.map((m, i) => {
      const { file: _, ...fields } = options.files[i]!
      return { id: m.id, ...fields }
    }),
    ...(options.production && { production: options.production }),
    ...(release.status === 'draft' && { status: 'draft' }),
    ...(release.status === 'scheduled' && { publishAt: release.publishAt }),
  }
}

/** Creates the post; returns its id and the `detail` of each warning the server answered with. */
async function publish(options: PostOptions, media: Uploaded[]): Promise<{ id: string; warnings: string[] }> {
  const pathname = `/api/v1/channels/${encodeURIComponent(options.slug)}/posts`
  let answer: ApiAnswer
  try {
    answer = await requestJson(options.serverUrl, options.token, 'POST', pathname, postBody(options, media), {
      'idempotency-key': randomUUID(),
    })
  } catch (error) {
    throw new PostError(`post: cannot reach ${options.serverUrl} (${networkReason(error)})`)
  }
  if (answer.status === 200 || answer.status === 201) {
    return { id: String(answer.body?.id), warnings: serverWarnings(answer) }
  }
  // A refusal about one image (not ready, already used…) names that image's file.
  const culprit = media.find((m) => m.id === answer.body?.mediaId)
  throw new PostError(`${culprit ? culprit.file : 'post'}: ${problemDetail(answer)}`)
}

/**
 * The server's warnings other than missing alt text, which checkAltText has already reported
 * file by file before uploading.
 */
function serverWarnings(answer: ApiAnswer): string[] {
  const warnings = Array.isArray(answer.body?.warnings)
    ? (answer.body.warnings as { code?: unknown; detail?: unknown }[])
    : []
  return warnings.filter((w) => w.code !== 'alt-missing').map((w) => String(w.detail ?? w.code))
}

function problemDetail(answer: ApiAnswer): string {
  const detail = answer.body?.detail
  return typeof detail === 'string' ? detail : `the server answered HTTP ${answer.status}`
}

function networkReason(error: unknown): string {
  return (error as { code?: string }).code ?? (error as Error).message
}

function shortName(file: string): string {
  const name = path.basename(file)
  return name.length > 32 ? `${name.slice(0, 29)}...` : name
}
