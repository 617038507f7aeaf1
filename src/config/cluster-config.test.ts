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
      },
    })
  })

  it.each([
    [{ REDIS_URL: 'http://cache:6379' }, /^REDIS_URL: must start with redis:\/\/ or rediss:\/\//],
    [{ REDIS_PREFIX: 'has space' }, /^REDIS_PREFIX: /],
    [{ MEDIA_STORE: 'ftp' }, /^MEDIA_STORE: must be one of disk, s3/],
    [{ MEDIA_STORE: 's3' }, /^S3_BUCKET: is required when MEDIA_STORE=s3/],
    [{ MEDIA_STORE: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }, /^S3_SECRET_ACCESS_KEY: /],
    [{ S3_FORCE_PATH_STYLE: 'yes' }, /^S3_FORCE_PATH_STYLE: must be true or false/],
    [{ S3_KEY_PREFIX: '/abs' }, /^S3_KEY_PREFIX: /],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
  })
})
