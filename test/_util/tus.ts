/**
 * A tus 1.0.0 client by hand for tests of the server side (issue 20 part 1): every request is
 * visible, and `patchThenDrop` cuts the connection in the middle of a PATCH as a set's network
 * does, which no library client lets a test do on purpose.
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

export interface TusResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export function tusClient(baseUrl: string, token: string) {
  const base = new URL(baseUrl)

  function request(
    method: string,
    path: string,
    headers: Record<string, string | number> = {},
    body?: Buffer,
  ) {
    return new Promise<TusResponse>((resolve, reject) => {
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...headers },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  return {
    /** POST: creates an upload of `length` bytes; metadata values are base64-encoded here. */
    create(
      slug: string,
      length: number,
      metadata: Record<string, string> = {},
      headers: Record<string, string> = {},
    ) {
      const encoded = Object.entries(metadata)
        .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
        .join(',')
      return request('POST', `/api/v1/channels/${slug}/uploads`, {
        'upload-length': length,
        ...(encoded && { 'upload-metadata': encoded }),
        ...headers,
      })
    },
    head: (path: string) => request('HEAD', path),
    get: (path: string) => request('GET', path),
    delete: (path: string) => request('DELETE', path),
    patch: (path: string, offset: number, bytes: Buffer) =>
      request(
        'PATCH',
        path,
        {
          'upload-offset': offset,
          'content-type': 'application/offset+octet-stream',
          'content-length': bytes.length,
        },
        bytes,
      ),
    /**
     * Starts a PATCH announcing `announced` bytes, sends only `sent`, and destroys the connection
     * once the bytes have left this process: the server sees the body end early.
     */
    async patchThenDrop(path: string, offset: number, announced: number, sent: Buffer) {
      const req = http.request({
        host: base.hostname,
        port: base.port,
        method: 'PATCH',
        path,
        headers: {
          authorization: `Bearer ${token}`,
          'tus-resumable': '1.0.0',
          'upload-offset': offset,
          'content-type': 'application/offset+octet-stream',
          'content-length': announced,
        },
      })
      req.on('error', () => {})
      await new Promise<void>((resolve) => req.write(sent, () => resolve()))
      await sleep(200)
      req.destroy()
    },
  }
}

/** The offset a HEAD shows once it stops changing (the server may still be writing what it got). */
export async function settledOffset(head: () => Promise<TusResponse>): Promise<number> {
  let last = -1
  for (let i = 0; i < 50; i += 1) {
    const res = await head()
    if (res.status !== 200) throw new Error(`HEAD answered ${res.status}: ${res.body}`)
    const offset = Number(res.headers['upload-offset'])
    if (offset === last) return offset
    last = offset
    await sleep(100)
  }
  return last
}
