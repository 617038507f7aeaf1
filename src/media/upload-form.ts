import type { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { DomainError, type FieldError, fail } from '../errors.js'
import { IMAGE_SPOILER_LABEL_MAX, nextImageSpoiler } from './image-spoiler.js'
import { ALT_MAX, CREDIT_MAX, RIGHTS_MAX } from './schemas.js'
import { type UploadRate, watchUploadRate } from './upload-rate.js'

export interface UploadForm {
  bytes: Buffer
  alt: string
  credit: string | null
  rights: string | null
  spoiler: boolean
  spoilerLabel: string | null
}

// Room for the multipart boundaries, part headers and the five text fields.
const FORM_OVERHEAD_BYTES = 64 * 1024
const TEXT_FIELDS = new Set(['alt', 'credit', 'rights', 'spoiler', 'spoilerLabel'])

export interface UploadFormLimits extends UploadRate {
  maxBytes: number
}

/**
 * Reads `multipart/form-data` with one file field `file` and optional `alt`, `credit`, `rights`,
 * `spoiler`, `spoilerLabel`.
 * The file is buffered while it streams in and refused with `media-too-large` as soon as it passes
 * `maxBytes` (busboy stops handing over bytes at the cap and drops the rest), so no more than
 * `maxBytes` is ever held. A declared Content-Length over the cap is refused before reading. A body
 * arriving slower than the minimum rate is given up with `upload-too-slow` (upload-rate.ts); the
 * caller should then close the connection, as the rest of the body is never read.
 */
export async function readUploadForm(req: FastifyRequest, limits: UploadFormLimits): Promise<UploadForm> {
  if (!req.isMultipart()) {
    fail('unsupported-media-type', 'Send multipart/form-data with one file field "file".')
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN)
  if (declared > limits.maxBytes + FORM_OVERHEAD_BYTES) tooLarge(limits.maxBytes)
  const watch = watchUploadRate(req.raw.socket, limits)
  const reading = readParts(req, limits.maxBytes)
  reading.catch(() => {}) // if the watch wins the race, this settles when the connection closes
  try {
    return await Promise.race([reading, watch.tooSlow])
  } finally {
    watch.stop()
  }
}

async function readParts(req: FastifyRequest, maxBytes: number): Promise<UploadForm> {
  const fields: Record<string, string> = {}
  let bytes: Buffer | undefined
  try {
    const parts = req.parts({
      limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6, fieldSize: 8 * 1024, fieldNameSize: 64 },
    })
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume()
          invalid([{ field: `/${part.fieldname}`, message: 'unknown field; the image goes in "file"' }])
        }
        bytes = await readCapped(part.file, maxBytes)
      } else if (!TEXT_FIELDS.has(part.fieldname)) {
        invalid([{ field: `/${part.fieldname}`, message: `unknown field "${part.fieldname}"` }])
      } else {
        fields[part.fieldname] = String(part.value)
      }
    }
  } catch (error) {
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
  if (!bytes) invalid([{ field: '/file', message: 'is required' }])
  return { bytes, ...parseFields(fields) }
}

async function readCapped(stream: Readable & { truncated?: boolean }, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of stream) {
    total += (chunk as Buffer).length
    // busboy already stops at the cap; this only guards against holding more if it did not.
    if (total <= maxBytes) chunks.push(chunk as Buffer)
  }
  if (total > maxBytes || stream.truncated) tooLarge(maxBytes)
  return Buffer.concat(chunks, total)
}

function parseFields(fields: Record<string, string>): Omit<UploadForm, 'bytes'> {
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
