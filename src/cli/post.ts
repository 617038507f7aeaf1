import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { readClientEnv } from '../config/client.js'
import { ALBUM_MAX } from '../posts/index.js'
import { createProgressBar } from './progress.js'
import { type ApiAnswer, requestJson, uploadFile } from './upload.js'

export const postUsage = `Usage: backlot post --channel SLUG [--text TEXT] [--spoiler LABEL] [--alt TEXT]…
                    [--server URL] [--token TOKEN] FILE…

Uploads each image (with a progress bar on stderr), publishes them as one album post and prints
its URL. The n-th --alt is the alt text of the n-th file. --spoiler marks the post as a spoiler
with that label (e.g. "Chapter 8"). The token (scope "post") also comes from BACKLOT_TOKEN, the
server from BACKLOT_URL (default http://127.0.0.1:8080).`

/** A failure the user can act on: printed as one line, exit code 1. */
class PostError extends Error {}

interface PostOptions {
  slug: string
  text?: string
  spoilerLabel?: string
  alts: string[]
  files: string[]
  serverUrl: string
  token: string
}

/**
 * `backlot post`: uploads the files one by one, then creates the album with an Idempotency-Key
 * (a retried request cannot publish twice). Any failure names the file (or the post) and the
 * server's problem detail, and exits 1; uploads already made are swept by the server after a day.
 */
export async function runPost(args: string[]): Promise<number> {
  try {
    const options = parsePostArgs(args)
    if (!options) {
      console.log(postUsage)
      return 0
    }
    const media = await uploadAll(options)
    const post = await publish(options, media)
    console.log(`${options.serverUrl}/c/${encodeURIComponent(options.slug)}/p/${post.id}`)
    return 0
  } catch (error) {
    if (!(error instanceof PostError)) throw error
    console.error(`backlot: ${error.message}`)
    return 1
  }
}

/** The parsed options, or null when help was asked for. */
function parsePostArgs(args: string[]): PostOptions | null {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    throw new PostError(`${(error as Error).message}\n${postUsage}`)
  }
  const { values, positionals: files } = parsed
  if (values.help) return null
  if (!values.channel) throw new PostError(`post needs --channel SLUG\n${postUsage}`)
  if (files.length === 0) throw new PostError(`post needs at least one image file\n${postUsage}`)
  if (files.length > ALBUM_MAX) throw new PostError(`an album holds at most ${ALBUM_MAX} images`)
  const alts = values.alt ?? []
  if (alts.length > files.length) throw new PostError(`${alts.length} --alt for ${files.length} files`)
  let client: ReturnType<typeof readClientEnv>
  try {
    client = readClientEnv({ server: values.server, token: values.token })
  } catch (error) {
    throw new PostError((error as Error).message)
  }
  if (!client.token) throw new PostError('post needs an API token: --token or BACKLOT_TOKEN')
  return {
    slug: values.channel,
    text: values.text,
    spoilerLabel: values.spoiler,
    alts,
    files,
    serverUrl: client.serverUrl,
    token: client.token,
  }
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
      server: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

interface Uploaded {
  file: string
  id: string
}

async function uploadAll(options: PostOptions): Promise<Uploaded[]> {
  // Every file is checked before the first byte goes out: a typo in the last name wastes no upload.
  const sizes: number[] = []
  for (const file of options.files) {
    const stat = await fs.stat(file).catch(() => null)
    if (!stat?.isFile()) throw new PostError(`${file}: no such file`)
    sizes.push(stat.size)
  }
  const uploaded: Uploaded[] = []
  for (const [i, file] of options.files.entries()) {
    const label = `[${i + 1}/${options.files.length}] ${shortName(file)}`
    const bar = createProgressBar(process.stderr, label, sizes[i]!)
    let answer: ApiAnswer
    try {
      answer = await uploadFile({
        serverUrl: options.serverUrl,
        token: options.token,
        filePath: file,
        size: sizes[i]!,
        alt: options.alts[i],
        onProgress: (sent) => bar.update(sent),
      })
      if (answer.status === 202) answer = await waitUntilProcessed(options, answer)
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

async function publish(options: PostOptions, media: Uploaded[]): Promise<{ id: string }> {
  const body = {
    ...(options.text !== undefined && { text: options.text }),
    ...(options.spoilerLabel !== undefined && { spoilerLabel: options.spoilerLabel }),
    media: media.map((m) => ({ id: m.id })),
  }
  const pathname = `/api/v1/channels/${encodeURIComponent(options.slug)}/posts`
  let answer: ApiAnswer
  try {
    answer = await requestJson(options.serverUrl, options.token, 'POST', pathname, body, {
      'idempotency-key': randomUUID(),
    })
  } catch (error) {
    throw new PostError(`post: cannot reach ${options.serverUrl} (${networkReason(error)})`)
  }
  if (answer.status === 200 || answer.status === 201) return { id: String(answer.body?.id) }
  // A refusal about one image (not ready, already used…) names that image's file.
  const culprit = media.find((m) => m.id === answer.body?.mediaId)
  throw new PostError(`${culprit ? culprit.file : 'post'}: ${problemDetail(answer)}`)
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
