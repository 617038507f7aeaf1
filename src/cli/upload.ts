import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'

/** A JSON answer of the Backlot API, or its problem (RFC 9457) when it refused. */
export interface ApiAnswer {
  status: number
  body: Record<string, unknown> | undefined
}

export interface UploadFileInput {
  serverUrl: string
  token: string
  filePath: string
  size: number
  alt?: string
  /** Called as bytes of the file are handed to the socket. */
  onProgress(sent: number): void
}

/** `multipart/form-data` framing around the file: text fields, then the file part. */
function formParts(boundary: string, filePath: string, alt: string | undefined) {
  // The server ignores the file name (it reads the type from the bytes); keep it plain ASCII.
  const name = path.basename(filePath).replace(/[^\x20-\x7e]|["\\]/g, '_')
  const head =
    (alt === undefined
      ? ''
      : `--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\n${alt}\r\n`) +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  return { head: Buffer.from(head), tail: Buffer.from(`\r\n--${boundary}--\r\n`) }
}

/**
 * POSTs one file to /api/v1/media, streaming it from disk (never whole in memory) and reporting
 * progress from the bytes written. If the server answers early (a refusal while the file is still
 * going out), that answer wins and the rest of the file is not sent.
 */
export function uploadFile(input: UploadFileInput): Promise<ApiAnswer> {
  const boundary = `backlot-${randomBytes(12).toString('hex')}`
  const { head, tail } = formParts(boundary, input.filePath, input.alt)
  const url = new URL(`${input.serverUrl}/api/v1/media`)
  const transport = url.protocol === 'https:' ? https : http
  return new Promise<ApiAnswer>((resolve, reject) => {
    let answered = false
    const req = transport.request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${input.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + input.size + tail.length),
      },
    })
    req.on('response', (res) => {
      answered = true
      readAnswer(res).then(resolve, reject)
    })
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    const send = async () => {
      req.write(head)
      let sent = 0
      for await (const chunk of fs.createReadStream(input.filePath, { highWaterMark: 64 * 1024 })) {
        if (answered) return
        if (!req.write(chunk)) await new Promise((resume) => req.once('drain', resume))
        sent += (chunk as Buffer).length
        input.onProgress(sent)
      }
      req.end(tail)
    }
    send().catch((error: unknown) => req.destroy(error as Error))
  })
}

/** Sends a JSON request to the API and reads its JSON answer. */
export function requestJson(
  serverUrl: string,
  token: string,
  method: string,
  pathname: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const url = new URL(serverUrl + pathname)
  const transport = url.protocol === 'https:' ? https : http
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return new Promise<ApiAnswer>((resolve, reject) => {
    const req = transport.request(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload && { 'content-type': 'application/json', 'content-length': String(payload.length) }),
        ...headers,
      },
    })
    req.on('response', (res) => readAnswer(res).then(resolve, reject))
    req.on('error', reject)
    req.end(payload)
  })
}

async function readAnswer(res: http.IncomingMessage): Promise<ApiAnswer> {
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  let body: Record<string, unknown> | undefined
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined
  } catch {
    body = undefined
  }
  return { status: res.statusCode ?? 0, body }
}
