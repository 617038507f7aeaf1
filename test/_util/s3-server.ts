import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'

/**
 * An S3-compatible server on loopback for tests (s3rver: in-process, files in a temp folder). It
 * accepts SigV4-signed requests made with the fixed credentials below; it does not verify the
 * signatures of presigned URLs, so tests cannot use it to prove a tampered URL is refused.
 */
export const s3TestCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export async function startS3Server(buckets: string[]) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-s3-'))
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  })
  addMultipartListing(server)
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    /** The variables that point a Backlot node's media store at `bucket` on this server. */
    nodeEnv: (bucket: string) => ({
      BACKLOT_MEDIA_STORE: 's3',
      BACKLOT_S3_ENDPOINT: endpoint,
      BACKLOT_S3_BUCKET: bucket,
      BACKLOT_S3_ACCESS_KEY_ID: s3TestCredentials.accessKeyId,
      BACKLOT_S3_SECRET_ACCESS_KEY: s3TestCredentials.secretAccessKey,
      BACKLOT_S3_FORCE_PATH_STYLE: 'true',
    }),
    close: async () => {
      await server.close()
      fs.rmSync(directory, { recursive: true, force: true })
    },
  }
}

/**
 * s3rver 3.7 takes multipart uploads (create, upload part, complete) but not ListParts or
 * AbortMultipartUpload, which @tus/s3-store calls to resume an upload (its offset is the sum of the
 * parts S3 holds) and to end one. This middleware answers both from the files s3rver keeps per
 * upload (`<uploadId>/<partNumber>` and `.md5`), ahead of its router. Test-only: real S3 and MinIO
 * implement them.
 */
function addMultipartListing(server: S3rver): void {
  const store = (
    server as unknown as { store: { getResourcePath(b: string, k: string | undefined, r: string): string } }
  ).store
  const middleware = (server as unknown as { middleware: unknown[] }).middleware
  const shim = async (ctx: ShimContext, next: () => Promise<void>) => {
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path)
    const uploadId = ctx.query.uploadId
    const isListParts = ctx.method === 'GET' && match && typeof uploadId === 'string'
    const isAbort = ctx.method === 'DELETE' && match && typeof uploadId === 'string'
    if (!isListParts && !isAbort) return next()
    const bucket = match![1]!
    const dir = path.join(
      store.getResourcePath(bucket, undefined, 'uploads'),
      path.basename(uploadId as string),
    )
    if (!fs.existsSync(dir)) {
      ctx.status = 404
      ctx.type = 'application/xml'
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>'
      return
    }
    if (isAbort) {
      fs.rmSync(dir, { recursive: true, force: true })
      ctx.status = 204
      return
    }
    const parts = fs
      .readdirSync(dir)
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b)
      .map((n) => {
        const file = path.join(dir, String(n))
        const md5 = fs.readFileSync(`${file}.md5`, 'utf8')
        const stat = fs.statSync(file)
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${stat.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${stat.size}</Size></Part>`
      })
    ctx.type = 'application/xml'
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?><ListPartsResult>' +
      `<Bucket>${bucket}</Bucket><Key>${match![2]}</Key><UploadId>${uploadId}</UploadId>` +
      `<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`
  }
  // Just before the router (the last middleware), after s3rver's logging and XML encoding.
  middleware.splice(middleware.length - 1, 0, shim)
}

interface ShimContext {
  method: string
  path: string
  query: Record<string, string | string[] | undefined>
  status: number
  type: string
  body: unknown
}
