import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { s3TestCredentials, startS3Server } from '../../test/_util/s3-server.js'
import { testMediaStoreContract } from './media-store.contract.js'
import { contentKey } from './media-store.js'
import { S3MediaStore, type S3MediaStoreConfig } from './s3-media-store.js'

let server: Awaited<ReturnType<typeof startS3Server>>
let prefixes = 0

beforeAll(async () => {
  server = await startS3Server(['media'])
})
afterAll(async () => {
  await server.close()
})

function storeConfig(): S3MediaStoreConfig {
  return {
    endpoint: server.endpoint,
    bucket: 'media',
    region: 'us-east-1',
    ...s3TestCredentials,
    forcePathStyle: true,
    // A fresh key prefix per test: the same content keys never meet across tests.
    keyPrefix: `t${++prefixes}/`,
  }
}

testMediaStoreContract('S3 (s3rver on loopback)', async () => {
  const store = new S3MediaStore(storeConfig())
  return { store, cleanup: async () => store.close() }
})

describe('S3MediaStore', () => {
  it('hands out a signed URL that fetches the object directly from the store', async () => {
    const store = new S3MediaStore(storeConfig())
    try {
      const bytes = Buffer.from('signed bytes')
      const key = await contentKey(bytes, 'jpg')
      await store.put(key, bytes, 'image/jpeg')
      const url = await store.signedUrl(key, { expiresInSeconds: 60, contentType: 'image/jpeg' })
      expect(url).toContain('X-Amz-Signature=')
      const res = await fetch(url)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes)
    } finally {
      store.close()
    }
  })
})
