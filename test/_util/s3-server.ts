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
