import { type DetailedError, Upload } from 'tus-js-client'
import { ApiError, api, toApiError } from '../app/api.js'
import type { Media } from '../app/types.js'

/** 8 MiB per PATCH: a dropped connection costs at most the chunk in flight (the server keeps what arrived). */
const CHUNK_BYTES = 8 * 1_048_576
/** Retries from the server's offset after a failed request (a set's Wi-Fi dropping, a tunnel). */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000, 30_000]
const POLL_MS = 1000

export interface ResumableHandle {
  promise: Promise<Media>
  abort(): void
}

/**
 * Sends a video or voice note as a resumable upload (tus, issue 20) to the channel's upload
 * endpoint with tus-js-client: chunks, progress, and after a dropped connection a retry from the
 * offset the server kept. The URL is remembered in localStorage by the file's fingerprint (name,
 * type, size, modification time), so picking the same file again after a reload resumes it too.
 * Resolves with the media item the upload became.
 */
export function uploadResumable(
  slug: string,
  file: File,
  onProgress: (fraction: number) => void,
): ResumableHandle {
  let upload: Upload | undefined
  const promise = new Promise<Media>((resolve, reject) => {
    upload = new Upload(file, {
      endpoint: `/api/v1/channels/${encodeURIComponent(slug)}/uploads`,
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS_MS,
      // Cookie authentication: every write carries the CSRF header.
      headers: { 'x-backlot-csrf': '1' },
      metadata: { filename: file.name, filetype: file.type },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => onProgress(total > 0 ? sent / total : 0),
      onSuccess: ({ lastResponse }) => {
        onProgress(1)
        mediaOf(upload!.url!, lastResponse.getHeader('Backlot-Media-Id')).then(resolve, reject)
      },
      onError: (error) => {
        const response = (error as DetailedError).originalResponse
        if (!response) return reject(toApiError(0, null))
        let body: unknown = null
        try {
          body = JSON.parse(response.getBody())
        } catch {
          body = null
        }
        reject(toApiError(response.getStatus(), body))
      },
    })
    upload
      .findPreviousUploads()
      .then((previous) => {
        if (previous[0]) upload!.resumeFromPreviousUpload(previous[0])
        upload!.start()
      })
      .catch(reject)
  })
  return { promise, abort: () => void upload?.abort(true) }
}

interface UploadStatus {
  status: 'receiving' | 'processing' | 'done' | 'failed'
  mediaId: string | null
  error: string | null
}

/** The media named by the last answer, or (while the server takes the file in) by the upload's status. */
async function mediaOf(uploadUrl: string, mediaId: string | undefined): Promise<Media> {
  let id = mediaId
  while (!id) {
    const status = await api.get<UploadStatus>(new URL(uploadUrl, location.href).pathname)
    if (status.status === 'failed')
      throw new ApiError(422, status.error ?? 'failed', status.error ?? 'failed')
    id = status.mediaId ?? undefined
    if (!id) await new Promise((r) => setTimeout(r, POLL_MS))
  }
  return api.get<Media>(`/api/v1/media/${encodeURIComponent(id)}`)
}

/** Video and voice go resumable; the browser's type is only a hint (the server reads the bytes). */
export function isVideoOrVoice(file: File): boolean {
  return file.type.startsWith('video/') || file.type.startsWith('audio/')
}
