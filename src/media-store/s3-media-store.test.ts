import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { s3TestCredentials, startS3Server } from '../../test/_util/s3-server.js'
import { s3BrowserOrigin } from '../config/s3-endpoint.js'
import { testMediaStoreContract } from './media-store.contract.js'
import { canSignUrls, contentKey } from './media-store.js'
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
    publicEndpoint: undefined,
  }
}

testMediaStoreContract('S3 (s3rver on loopback)', async () => {
  const store = new S3MediaStore(storeConfig())
  return { store, cleanup: async () => store.close() }
})

describe('S3MediaStore', () => {
  it('hands out a signed URL that fetches the object directly from the store, with signed response headers', async () => {
    const store = new S3MediaStore(storeConfig())
    try {
      expect(canSignUrls(store)).toBe(true)
      const bytes = Buffer.from('signed bytes')
      const key = await contentKey(bytes, 'jpg')
      await store.put(key, bytes, 'application/octet-stream')
      const url = await store.signedUrl(key, {
        expiresInSeconds: 60,
        contentType: 'image/jpeg',
        contentDisposition: 'inline',
        cacheControl: 'private, no-store',
      })
      expect(url).toContain('X-Amz-Signature=')
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60')
      const res = await fetch(url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/jpeg')
      expect(res.headers.get('content-disposition')).toBe('inline')
      expect(res.headers.get('cache-control')).toBe('private, no-store')
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes)
    } finally {
      store.close()
    }
  })

  it('signs from `signedAt`, so a URL whose lifetime has passed is refused by the store', async () => {
    const store = new S3MediaStore(storeConfig())
    try {
      const bytes = Buffer.from('expiring bytes')
      const key = await contentKey(bytes, 'png')
      await store.put(key, bytes, 'image/png')
      const signedAt = new Date(Date.now() - 61_000)
      const url = await store.signedUrl(key, { expiresInSeconds: 60, signedAt })
      expect(new URL(url).searchParams.get('X-Amz-Date')).toBe(amzDate(signedAt))
      const res = await fetch(url)
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('Request has expired')
      const fresh = await store.signedUrl(key, {
        expiresInSeconds: 60,
        signedAt: new Date(Date.now() - 30_000),
      })
      expect((await fetch(fresh)).status).toBe(200)
    } finally {
      store.close()
    }
  })

  it('signs URLs for BACKLOT_S3_PUBLIC_ENDPOINT while reading and writing through BACKLOT_S3_ENDPOINT', async () => {
    const internal = new URL(server.endpoint)
    const publicEndpoint = `http://localhost:${internal.port}`
    const store = new S3MediaStore({ ...storeConfig(), publicEndpoint })
    try {
      const bytes = Buffer.from('public endpoint bytes')
      const key = await contentKey(bytes, 'webp')
      await store.put(key, bytes, 'image/webp')
      const url = new URL(await store.signedUrl(key, { expiresInSeconds: 60 }))
      expect(url.origin).toBe(publicEndpoint)
      expect(url.pathname).toMatch(new RegExp(`^/media/t\\d+/${key}$`))
      const res = await fetch(url)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes)
    } finally {
      store.close()
    }
  })

  // Pages allow the signed URLs' origin in their CSP (img-src), computed without the SDK: it must be
  // exactly where the SDK's signer points. Signing is local, so no server is needed for these.
  it.each([
    { region: 'us-east-1', bucket: 'media' },
    { region: 'eu-west-1', bucket: 'media', forcePathStyle: true },
    { region: 'eu-west-1', bucket: 'my.media' },
    { region: 'cn-north-1', bucket: 'media' },
    { bucket: 'media', endpoint: 'https://minio.example.org' },
    { bucket: 'media', endpoint: 'http://minio.example.org:9000', forcePathStyle: true },
    { bucket: 'My_Media', endpoint: 'https://minio.example.org' },
    { bucket: 'media', endpoint: 'http://10.0.0.5:9000' },
    { bucket: 'media', endpoint: 'http://[fd00::5]:9000' },
    { bucket: 'media', endpoint: 'http://minio.internal:9000', publicEndpoint: 'https://files.example.org' },
    {
      bucket: 'media',
      endpoint: 'http://minio.internal:9000',
      publicEndpoint: 'https://files.example.org:8443/s3',
      forcePathStyle: true,
    },
  ])('computes the origin of signed URLs for %j as the SDK signs them', async (settings) => {
    const config = {
      region: 'us-east-1',
      endpoint: undefined,
      publicEndpoint: undefined,
      forcePathStyle: false,
      keyPrefix: '',
      ...s3TestCredentials,
      ...settings,
    }
    const store = new S3MediaStore(config)
    try {
      const key = await contentKey(Buffer.from('origin'), 'jpg')
      const url = new URL(await store.signedUrl(key, { expiresInSeconds: 60 }))
      expect(url.origin).toBe(s3BrowserOrigin(config))
    } finally {
      store.close()
    }
  })
})

/** SigV4's X-Amz-Date format: 20250301T100000Z. */
function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}
