import fs from 'node:fs'
import path from 'node:path'
import * as tus from 'tus-js-client'
import { type DetailedError, type HttpResponse, Upload, type UrlStorage } from 'tus-js-client'
import type { ApiAnswer } from './upload.js'

export interface ResumableUploadInput {
  serverUrl: string
  token: string
  slug: string
  filePath: string
  size: number
  /** The media fields sent as tus Upload-Metadata (alt, credit, rights, spoiler, spoilerLabel). */
  fields: Record<string, string>
  /** Where unfinished uploads' URLs are kept between runs (FileUrlStorage, JSON). */
  stateFile: string
  onProgress(sent: number): void
}

/** tus-js-client's Node build exports it; its type declarations (shared with the browser build) do not. */
const { FileUrlStorage } = tus as unknown as { FileUrlStorage: new (file: string) => UrlStorage }

/** 8 MiB per PATCH: a dropped connection costs at most the chunk in flight (the server keeps what arrived). */
const CHUNK_BYTES = 8 * 1_048_576
/** Retries of a failed request, then the run gives up; running the command again resumes. */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000]

/**
 * Uploads a video or voice file with the tus protocol to `/api/v1/channels/{slug}/uploads`
 * (tus-js-client): in chunks read from disk, retried from the server's offset when the connection
 * drops, and remembered in `stateFile` by the file's fingerprint (path, size, modification time,
 * server) so that the same command run again resumes it instead of starting over. Answers with the
 * media item the upload became (GET /api/v1/media/{id}), or the server's problem.
 */
export async function uploadResumable(
  input: ResumableUploadInput,
): Promise<ApiAnswer & { mediaId?: string }> {
  fs.mkdirSync(path.dirname(input.stateFile), { recursive: true })
  const endpoint = `${input.serverUrl}/api/v1/channels/${encodeURIComponent(input.slug)}/uploads`
  return new Promise((resolve, reject) => {
    const upload = new Upload(fs.createReadStream(input.filePath), {
      endpoint,
      uploadSize: input.size,
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS_MS,
      headers: { authorization: `Bearer ${input.token}` },
      metadata: { filename: path.basename(input.filePath), ...input.fields },
      urlStorage: new FileUrlStorage(input.stateFile),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent) => input.onProgress(sent),
      onSuccess: ({ lastResponse }) => {
        mediaOf(input, upload.url!, lastResponse).then(resolve, reject)
      },
      onError: (error) => {
        const response = (error as DetailedError).originalResponse
        if (!response) return reject(error)
        resolve(answerOf(response))
      },
    })
    upload
      .findPreviousUploads()
      .then((previous) => {
        if (previous[0]) upload.resumeFromPreviousUpload(previous[0])
        upload.start()
      })
      .catch(reject)
  })
}

/**
 * The media item a finished upload became: named by the last answer (the final PATCH, or a HEAD
 * when every byte was already there), or, while the server is still taking the file in, by the
 * upload's status (GET on its URL).
 */
async function mediaOf(input: ResumableUploadInput, uploadUrl: string, last: HttpResponse) {
  let mediaId = last.getHeader('Backlot-Media-Id')
  for (let i = 0; !mediaId && i < 600; i += 1) {
    const status = await getJson(input, uploadUrl)
    if (status.status !== 200) return status
    if (status.body?.status === 'failed') {
      return { status: 422, body: { detail: `the server refused the file (${String(status.body.error)})` } }
    }
    mediaId = (status.body?.mediaId as string | null) ?? undefined
    if (!mediaId) await new Promise((r) => setTimeout(r, 500))
  }
  const media = await getJson(input, `${input.serverUrl}/api/v1/media/${mediaId}`)
  return { ...media, mediaId }
}

async function getJson(input: ResumableUploadInput, url: string): Promise<ApiAnswer> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${input.token}` } })
  const text = await res.text()
  return { status: res.status, body: parseJson(text) }
}

function answerOf(response: HttpResponse): ApiAnswer {
  return { status: response.getStatus(), body: parseJson(response.getBody()) }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
