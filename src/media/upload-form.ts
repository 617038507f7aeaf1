import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { DomainError, type FieldError, fail } from '../errors.js'
import { IMAGE_SPOILER_LABEL_MAX, nextImageSpoiler } from './image-spoiler.js'
import { ALT_MAX, CREDIT_MAX, RIGHTS_MAX } from './schemas.js'
import { type UploadRate, watchUploadRate } from './upload-rate.js'
import type { AvUpload, UploadFields, UploadInput } from './uploads.js'
import { detectAvContainer } from './video/detect.js'

export type UploadForm = UploadInput

// Room for the multipart boundaries, part headers and the five text fields.
const FORM_OVERHEAD_BYTES = 64 * 1024
const TEXT_FIELDS = new Set(['alt', 'credit', 'rights', 'spoiler', 'spoilerLabel'])

export interface UploadFormLimits extends UploadRate {
  /** Largest image (held in memory). */
  maxBytes: number
  /**
   * Largest video or voice note (written to a temporary file in `workDir` as it arrives); 0 where
   * only a photo makes sense (tracing a leaked image), and a clip is refused from its first bytes.
   */
  videoMaxBytes: number
  workDir: string
}

/**
 * Reads `multipart/form-data` with one file field `file` and optional `alt`, `credit`, `rights`,
 * `spoiler`, `spoilerLabel`.
 * The file's first bytes say what it is (never its name or content type). An image is buffered
 * while it streams in and refused with `media-too-large` as soon as it passes `maxBytes` (busboy
 * stops handing over bytes at the cap and drops the rest), so no more than `maxBytes` is ever held.
 * A video or voice container is written to a temporary file instead, up to `videoMaxBytes`; the
 * caller owns that file (uploads.ts removes it). Anything else is buffered as an image, and the
 * image check refuses it. A declared Content-Length over the cap is refused before reading. A body
 * arriving slower than the minimum rate is given up with `upload-too-slow` (upload-rate.ts); the
 * caller should then close the connection, as the rest of the body is never read.
 */
export async function readUploadForm(req: FastifyRequest, limits: UploadFormLimits): Promise<UploadForm> {
  if (!req.isMultipart()) {
    fail('unsupported-media-type', 'Send multipart/form-data with one file field "file".')
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN)
  if (declared > Math.max(limits.maxBytes, limits.videoMaxBytes) + FORM_OVERHEAD_BYTES) {
    tooLarge(Math.max(limits.maxBytes, limits.videoMaxBytes))
  }
  const watch = watchUploadRate(req.raw.socket, limits)
  const reading = readParts(req, limits)
  // If the watch wins the race, this settles when the connection closes; a temporary file it wrote
  // by then is removed.
  let isAbandoned = false
  reading.then((form) => (isAbandoned && form.av ? removeQuietly(form.av.path) : undefined)).catch(() => {})
  try {
    return await Promise.race([reading, watch.tooSlow])
  } catch (error) {
    isAbandoned = true
    throw error
  } finally {
    watch.stop()
  }
}

async function readParts(req: FastifyRequest, limits: UploadFormLimits): Promise<UploadForm> {
  const fields: Record<string, string> = {}
  let file: FilePart | undefined
  try {
    const fileSize = Math.max(limits.maxBytes, limits.videoMaxBytes)
    const parts = req.parts({
      limits: { fileSize, files: 1, fields: 5, parts: 6, fieldSize: 8 * 1024, fieldNameSize: 64 },
    })
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume()
          invalid([{ field: `/${part.fieldname}`, message: 'unknown field; the image goes in "file"' }])
        }
        file = await readFilePart(part.file, limits)
      } else if (!TEXT_FIELDS.has(part.fieldname)) {
        invalid([{ field: `/${part.fieldname}`, message: `unknown field "${part.fieldname}"` }])
      } else {
        fields[part.fieldname] = String(part.value)
      }
    }
  } catch (error) {
    if (file?.kind === 'av') await removeQuietly(file.av.path)
    if (error instanceof DomainError) throw error
    if (/^FST_(PARTS|FILES|FIELDS)_LIMIT$/.test((error as { code?: string }).code ?? '')) {
      invalid([
        {
          field: '',
          message:
            'send one file ("file") and at most "alt", "credit", "rights", "spoiler" and "spoilerLabel"',
        },
      ])
    }
    // Anything else failing while the form is read is the body's fault, e.g. busboy's "Boundary not
    // found" or "unexpected end of multipart data": a 400, not a 500 (issue 14 item 7).
    fail('bad-request', `The multipart body is malformed: ${(error as Error).message}.`)
  }
  if (!file) invalid([{ field: '/file', message: 'is required' }])
  let parsed: UploadFields
  try {
    parsed = parseFields(fields)
  } catch (error) {
    if (file.kind === 'av') await removeQuietly(file.av.path)
    throw error
  }
  return file.kind === 'av' ? { av: file.av, ...parsed } : { bytes: file.bytes, ...parsed }
}

type FilePart = { kind: 'image'; bytes: Buffer } | { kind: 'av'; av: AvUpload }

/** Bytes read before deciding what the file is: enough for every signature detect*.ts looks at. */
const SNIFF_BYTES = 64

async function readFilePart(
  stream: Readable & { truncated?: boolean },
  limits: UploadFormLimits,
): Promise<FilePart> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const head: Buffer[] = []
  let headBytes = 0
  while (headBytes < SNIFF_BYTES) {
    const next = await chunks.next()
    if (next.done) break
    head.push(next.value)
    headBytes += next.value.length
  }
  const container = detectAvContainer(Buffer.concat(head))
  if (container) {
    if (limits.videoMaxBytes <= 0)
      fail('unsupported-image', 'Only a photo is accepted here, not a video or voice note.')
    const written = await writeCapped(head, chunks, stream, limits)
    return { kind: 'av', av: { container, ...written } }
  }
  return { kind: 'image', bytes: await readCapped(head, chunks, stream, limits.maxBytes) }
}

async function readCapped(
  head: Buffer[],
  rest: AsyncIterator<Buffer>,
  stream: { truncated?: boolean },
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for (let next = nextOf(head, rest); ; next = nextOf(head, rest)) {
    const { value, done } = await next
    if (done) break
    total += value.length
    // busboy stops at the larger (video) cap; an image stops being kept at its own.
    if (total <= maxBytes) chunks.push(value)
  }
  if (total > maxBytes || stream.truncated) tooLarge(maxBytes)
  return Buffer.concat(chunks, total)
}

/** Streams the file to a new temporary file; removes it again if the file passes `maxBytes`. */
async function writeCapped(
  head: Buffer[],
  rest: AsyncIterator<Buffer>,
  stream: { truncated?: boolean },
  limits: Pick<UploadFormLimits, 'videoMaxBytes' | 'workDir'>,
): Promise<{ path: string; size: number }> {
  const maxBytes = limits.videoMaxBytes
  await fs.mkdir(limits.workDir, { recursive: true })
  const file = path.join(limits.workDir, `upload-${randomUUID()}`)
  const handle = await fs.open(file, 'wx', 0o600)
  let size = 0
  try {
    for (let next = nextOf(head, rest); ; next = nextOf(head, rest)) {
      const { value, done } = await next
      if (done) break
      size += value.length
      if (size <= maxBytes) await handle.write(value)
    }
    if (size > maxBytes || stream.truncated) tooLarge(maxBytes)
    await handle.close()
    return { path: file, size }
  } catch (error) {
    await handle.close().catch(() => {})
    await removeQuietly(file)
    throw error
  }
}

/** The sniffed chunks first, then the rest of the stream. */
function nextOf(head: Buffer[], rest: AsyncIterator<Buffer>): Promise<IteratorResult<Buffer>> {
  const first = head.shift()
  return first ? Promise.resolve({ value: first, done: false }) : rest.next()
}

async function removeQuietly(file: string): Promise<void> {
  await fs.rm(file, { force: true }).catch(() => {})
}

/** The text fields of an upload (multipart form fields, or tus Upload-Metadata), validated. */
export function parseFields(fields: Record<string, string>): UploadFields {
  const errors: FieldError[] = []
  // As for JSON bodies (http/text-input.ts): PostgreSQL cannot store U+0000.
  for (const [name, value] of Object.entries(fields)) {
    if (value.includes('\u0000')) {
      errors.push({ field: `/${name}`, message: 'must not contain the character U+0000' })
    }
  }
  const alt = fields.alt ?? ''
  if ([...alt].length > ALT_MAX) errors.push(tooLong('/alt', ALT_MAX))
  const credit = fields.credit?.trim() || null
  if (credit && [...credit].length > CREDIT_MAX) errors.push(tooLong('/credit', CREDIT_MAX))
  const rights = fields.rights?.trim() || null
  if (rights && [...rights].length > RIGHTS_MAX) errors.push(tooLong('/rights', RIGHTS_MAX))
  const label = fields.spoilerLabel?.trim() || null
  if (label && [...label].length > IMAGE_SPOILER_LABEL_MAX) {
    errors.push(tooLong('/spoilerLabel', IMAGE_SPOILER_LABEL_MAX))
  }
  const spoiler = fields.spoiler ?? 'false'
  if (spoiler !== 'true' && spoiler !== 'false') {
    errors.push({ field: '/spoiler', message: 'must be "true" or "false"' })
  }
  if (errors.length > 0) invalid(errors)
  // A label alone marks the image a spoiler; spoiler=false drops it (image-spoiler.ts).
  const marked = nextImageSpoiler(
    { spoiler: false, label: null },
    { ...(fields.spoiler !== undefined && { spoiler: spoiler === 'true' }), label },
  )
  return { alt, credit, rights, spoiler: marked.spoiler, spoilerLabel: marked.label }
}

function tooLong(field: string, max: number): FieldError {
  return { field, message: `must NOT have more than ${max} characters` }
}

function invalid(errors: FieldError[]): never {
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ')
  fail('validation', `Invalid body: ${summary}.`, { errors })
}

function tooLarge(maxBytes: number): never {
  fail('media-too-large', `The file is larger than ${(maxBytes / 1_048_576).toFixed(0)} MiB.`)
}
