import yauzl from 'yauzl'
import type { Client } from '../_util/client.js'
import type { TestServer } from '../_util/server.js'

/** Polls an export until it is no longer queued or running, and returns its view. */
export async function waitForExport(as: Client, id: string) {
  for (;;) {
    const res = await as.get(`/api/v1/me/exports/${id}`)
    if (res.status !== 200) throw new Error(`export ${id}: ${res.status} ${JSON.stringify(res.body)}`)
    if (res.body.status !== 'queued' && res.body.status !== 'running') return res.body
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Downloads an archive with a bearer token: status and raw bytes. */
export async function download(server: TestServer, token: string | null, id: string) {
  const res = await fetch(`${server.url}/api/v1/me/exports/${id}/archive`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

/** Every entry of a zip, by name (test archives are small). */
export async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, z) => (error ? reject(error) : resolve(z))),
  )
  const out = new Map<string, Buffer>()
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error)
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks))
          zip.readEntry()
        })
        stream.on('error', reject)
      })
    })
    zip.on('end', resolve)
    zip.on('error', reject)
    zip.readEntry()
  })
  return out
}

/** The objects of a JSON Lines file. */
export function jsonLines(file: Buffer | undefined): any[] {
  if (!file) throw new Error('missing file')
  return file
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
}
