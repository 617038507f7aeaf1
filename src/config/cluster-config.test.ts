import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'

/** Issue 7: the variables that turn on the distributed seams. */
describe('cluster configuration', () => {
  it('stays on the embedded seams without BACKLOT_REDIS_URL and BACKLOT_MEDIA_STORE', () => {
    const config = loadConfig({})
    expect(config.redis).toBeNull()
    expect(config.mediaStore).toEqual({ kind: 'disk' })
  })

  it('reads BACKLOT_REDIS_URL (redis: or rediss:) with the key prefix', () => {
    expect(loadConfig({ BACKLOT_REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'backlot:',
    })
    expect(
      loadConfig({ BACKLOT_REDIS_URL: 'rediss://u:p@cache:6380/2', BACKLOT_REDIS_PREFIX: 'staging:' }).redis,
    ).toEqual({
      url: 'rediss://u:p@cache:6380/2',
      prefix: 'staging:',
    })
  })

  it('reads the S3 settings', () => {
    const config = loadConfig({
      BACKLOT_MEDIA_STORE: 's3',
      BACKLOT_S3_ENDPOINT: 'http://127.0.0.1:9000/',
      BACKLOT_S3_BUCKET: 'media',
      BACKLOT_S3_ACCESS_KEY_ID: 'id',
      BACKLOT_S3_SECRET_ACCESS_KEY: 'secret',
      BACKLOT_S3_FORCE_PATH_STYLE: 'true',
      BACKLOT_S3_KEY_PREFIX: 'backlot/',
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
    BACKLOT_MEDIA_STORE: 's3',
    BACKLOT_S3_ENDPOINT: 'http://minio.internal:9000',
    BACKLOT_S3_BUCKET: 'media',
    BACKLOT_S3_FORCE_PATH_STYLE: 'true',
  }

  it('reads redirect delivery: signature lifetime and the origin pages must allow for images', () => {
    expect(loadConfig({ ...minio, BACKLOT_S3_MEDIA_DELIVERY: 'redirect' }).media.delivery).toEqual({
      mode: 'redirect',
      signedUrlSeconds: 300,
      origin: 'http://minio.internal:9000',
    })
    const behindProxy = loadConfig({
      ...minio,
      BACKLOT_PUBLIC_URL: 'https://channels.example.org',
      BACKLOT_S3_MEDIA_DELIVERY: 'redirect',
      BACKLOT_S3_SIGNED_URL_SECONDS: '3600',
      BACKLOT_S3_PUBLIC_ENDPOINT: 'https://files.example.org/',
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
        BACKLOT_MEDIA_STORE: 's3',
        BACKLOT_S3_BUCKET: 'backlot-media',
        BACKLOT_S3_REGION: 'eu-central-1',
        BACKLOT_S3_MEDIA_DELIVERY: 'redirect',
      }).media.delivery,
    ).toMatchObject({ origin: 'https://backlot-media.s3.eu-central-1.amazonaws.com' })
  })

  it.each([
    [
      { BACKLOT_REDIS_URL: 'http://cache:6379' },
      /^BACKLOT_REDIS_URL: must start with redis:\/\/ or rediss:\/\//,
    ],
    [{ BACKLOT_REDIS_PREFIX: 'has space' }, /^BACKLOT_REDIS_PREFIX: /],
    [{ BACKLOT_MEDIA_STORE: 'ftp' }, /^BACKLOT_MEDIA_STORE: must be one of disk, s3/],
    [{ BACKLOT_MEDIA_STORE: 's3' }, /^BACKLOT_S3_BUCKET: is required when BACKLOT_MEDIA_STORE=s3/],
    [
      { BACKLOT_MEDIA_STORE: 's3', BACKLOT_S3_BUCKET: 'b', BACKLOT_S3_ACCESS_KEY_ID: 'id' },
      /^BACKLOT_S3_SECRET_ACCESS_KEY: /,
    ],
    [{ BACKLOT_S3_FORCE_PATH_STYLE: 'yes' }, /^BACKLOT_S3_FORCE_PATH_STYLE: must be true or false/],
    [{ BACKLOT_S3_KEY_PREFIX: '/abs' }, /^BACKLOT_S3_KEY_PREFIX: /],
    [
      { ...minio, BACKLOT_S3_MEDIA_DELIVERY: 'redirects' },
      /^BACKLOT_S3_MEDIA_DELIVERY: must be one of proxy, redirect/,
    ],
    [
      { BACKLOT_S3_MEDIA_DELIVERY: 'redirect' },
      /^BACKLOT_S3_MEDIA_DELIVERY: redirect needs BACKLOT_MEDIA_STORE=s3/,
    ],
    [
      { ...minio, BACKLOT_MEDIA_STORE: 'disk', BACKLOT_S3_MEDIA_DELIVERY: 'redirect' },
      /^BACKLOT_S3_MEDIA_DELIVERY: redirect needs/,
    ],
    [
      { ...minio, BACKLOT_S3_MEDIA_DELIVERY: 'redirect', BACKLOT_S3_SIGNED_URL_SECONDS: '59' },
      /^BACKLOT_S3_SIGNED_URL_SECONDS: must be between 60 and 604800/,
    ],
    [
      { ...minio, BACKLOT_S3_MEDIA_DELIVERY: 'redirect', BACKLOT_S3_SIGNED_URL_SECONDS: '604801' },
      /^BACKLOT_S3_SIGNED_URL_SECONDS: /,
    ],
    [
      { ...minio, BACKLOT_S3_MEDIA_DELIVERY: 'redirect', BACKLOT_S3_SIGNED_URL_SECONDS: '5m' },
      /^BACKLOT_S3_SIGNED_URL_SECONDS: must be a whole number/,
    ],
    [
      { ...minio, BACKLOT_S3_PUBLIC_ENDPOINT: 'https://files.example.org' },
      /^BACKLOT_S3_PUBLIC_ENDPOINT: is used only with BACKLOT_S3_MEDIA_DELIVERY=redirect/,
    ],
    [
      { ...minio, BACKLOT_S3_MEDIA_DELIVERY: 'redirect', BACKLOT_S3_PUBLIC_ENDPOINT: 'ftp://files' },
      /^BACKLOT_S3_PUBLIC_ENDPOINT: must start with http/,
    ],
    [
      { ...minio, BACKLOT_S3_MEDIA_DELIVERY: 'redirect', BACKLOT_PUBLIC_URL: 'https://channels.example.org' },
      /^BACKLOT_S3_ENDPOINT: is http: but BACKLOT_PUBLIC_URL is https:; give browsers .* BACKLOT_S3_PUBLIC_ENDPOINT/,
    ],
    [
      {
        ...minio,
        BACKLOT_S3_MEDIA_DELIVERY: 'redirect',
        BACKLOT_PUBLIC_URL: 'https://channels.example.org',
        BACKLOT_S3_PUBLIC_ENDPOINT: 'http://files.example.org',
      },
      /^BACKLOT_S3_PUBLIC_ENDPOINT: must be https: when BACKLOT_PUBLIC_URL is https:/,
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
  })
})
