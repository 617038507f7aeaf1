import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'

/** Issue 7: the variables that turn on the distributed seams. */
describe('cluster configuration', () => {
  it('stays on the embedded seams without REDIS_URL and MEDIA_STORE', () => {
    const config = loadConfig({})
    expect(config.redis).toBeNull()
    expect(config.mediaStore).toEqual({ kind: 'disk' })
  })

  it('reads REDIS_URL (redis: or rediss:) with the key prefix', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'backlot:',
    })
    expect(loadConfig({ REDIS_URL: 'rediss://u:p@cache:6380/2', REDIS_PREFIX: 'staging:' }).redis).toEqual({
      url: 'rediss://u:p@cache:6380/2',
      prefix: 'staging:',
    })
  })

  it('reads the S3 settings', () => {
    const config = loadConfig({
      MEDIA_STORE: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:9000/',
      S3_BUCKET: 'media',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      S3_KEY_PREFIX: 'backlot/',
    })
    expect(config.mediaStore).toEqual({
      kind: 's3',
      s3: {
        endpoint: 'http://127.0.0.1:9000',
        bucket: 'media',
        region: 'us-east-1',
        accessKeyId: 'id',
        secretAccessKey: 'secret',
        forcePathStyle: true,
        keyPrefix: 'backlot/',
        publicEndpoint: undefined,
      },
    })
    expect(config.media.delivery).toEqual({ mode: 'proxy' })
  })

  const minio = {
    MEDIA_STORE: 's3',
    S3_ENDPOINT: 'http://minio.internal:9000',
    S3_BUCKET: 'media',
    S3_FORCE_PATH_STYLE: 'true',
  }

  it('reads redirect delivery: signature lifetime and the origin pages must allow for images', () => {
    expect(loadConfig({ ...minio, S3_MEDIA_DELIVERY: 'redirect' }).media.delivery).toEqual({
      mode: 'redirect',
      signedUrlSeconds: 300,
      origin: 'http://minio.internal:9000',
    })
    const behindProxy = loadConfig({
      ...minio,
      PUBLIC_URL: 'https://channels.example.org',
      S3_MEDIA_DELIVERY: 'redirect',
      S3_SIGNED_URL_SECONDS: '3600',
      S3_PUBLIC_ENDPOINT: 'https://files.example.org/',
    })
    expect(behindProxy.media.delivery).toEqual({
      mode: 'redirect',
      signedUrlSeconds: 3600,
      origin: 'https://files.example.org',
    })
    expect(behindProxy.mediaStore).toMatchObject({
      s3: { endpoint: 'http://minio.internal:9000', publicEndpoint: 'https://files.example.org' },
    })
    // AWS, virtual-hosted: the bucket is part of the host name.
    expect(
      loadConfig({
        MEDIA_STORE: 's3',
        S3_BUCKET: 'backlot-media',
        S3_REGION: 'eu-central-1',
        S3_MEDIA_DELIVERY: 'redirect',
      }).media.delivery,
    ).toMatchObject({ origin: 'https://backlot-media.s3.eu-central-1.amazonaws.com' })
  })

  it.each([
    [{ REDIS_URL: 'http://cache:6379' }, /^REDIS_URL: must start with redis:\/\/ or rediss:\/\//],
    [{ REDIS_PREFIX: 'has space' }, /^REDIS_PREFIX: /],
    [{ MEDIA_STORE: 'ftp' }, /^MEDIA_STORE: must be one of disk, s3/],
    [{ MEDIA_STORE: 's3' }, /^S3_BUCKET: is required when MEDIA_STORE=s3/],
    [{ MEDIA_STORE: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }, /^S3_SECRET_ACCESS_KEY: /],
    [{ S3_FORCE_PATH_STYLE: 'yes' }, /^S3_FORCE_PATH_STYLE: must be true or false/],
    [{ S3_KEY_PREFIX: '/abs' }, /^S3_KEY_PREFIX: /],
    [{ ...minio, S3_MEDIA_DELIVERY: 'redirects' }, /^S3_MEDIA_DELIVERY: must be one of proxy, redirect/],
    [{ S3_MEDIA_DELIVERY: 'redirect' }, /^S3_MEDIA_DELIVERY: redirect needs MEDIA_STORE=s3/],
    [{ ...minio, MEDIA_STORE: 'disk', S3_MEDIA_DELIVERY: 'redirect' }, /^S3_MEDIA_DELIVERY: redirect needs/],
    [
      { ...minio, S3_MEDIA_DELIVERY: 'redirect', S3_SIGNED_URL_SECONDS: '59' },
      /^S3_SIGNED_URL_SECONDS: must be between 60 and 604800/,
    ],
    [
      { ...minio, S3_MEDIA_DELIVERY: 'redirect', S3_SIGNED_URL_SECONDS: '604801' },
      /^S3_SIGNED_URL_SECONDS: /,
    ],
    [
      { ...minio, S3_MEDIA_DELIVERY: 'redirect', S3_SIGNED_URL_SECONDS: '5m' },
      /^S3_SIGNED_URL_SECONDS: must be a whole number/,
    ],
    [
      { ...minio, S3_PUBLIC_ENDPOINT: 'https://files.example.org' },
      /^S3_PUBLIC_ENDPOINT: is used only with S3_MEDIA_DELIVERY=redirect/,
    ],
    [
      { ...minio, S3_MEDIA_DELIVERY: 'redirect', S3_PUBLIC_ENDPOINT: 'ftp://files' },
      /^S3_PUBLIC_ENDPOINT: must start with http/,
    ],
    [
      { ...minio, S3_MEDIA_DELIVERY: 'redirect', PUBLIC_URL: 'https://channels.example.org' },
      /^S3_ENDPOINT: is http: but PUBLIC_URL is https:; give browsers .* S3_PUBLIC_ENDPOINT/,
    ],
    [
      {
        ...minio,
        S3_MEDIA_DELIVERY: 'redirect',
        PUBLIC_URL: 'https://channels.example.org',
        S3_PUBLIC_ENDPOINT: 'http://files.example.org',
      },
      /^S3_PUBLIC_ENDPOINT: must be https: when PUBLIC_URL is https:/,
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
  })
})
