import { describe, expect, it } from 'vitest'
import { REDACTED, redactUrl } from './redact-url.js'

describe('redactUrl', () => {
  it.each([
    ['/preview/s3cr3t', `/preview/${REDACTED}`],
    ['/preview/s3cr3t/01HMEDIA/w1080.webp', `/preview/${REDACTED}/01HMEDIA/w1080.webp`],
    ['/kit/kit_s3cr3t', `/kit/${REDACTED}`],
    ['/kit/kit_s3cr3t/press-kit.zip', `/kit/${REDACTED}/press-kit.zip`],
    ['/PREVIEW/s3cr3t?x=1', `/PREVIEW/${REDACTED}?x=1`],
    ['/join/on-set?invite=s3cr3t', `/join/on-set?invite=${REDACTED}`],
    ['/x?token=s3cr3t&cursor=abc', `/x?token=${REDACTED}&cursor=abc`],
    [
      '/x?access_token=a&api%5Fkey=b&Signature=c&code=d&password=e',
      `/x?access_token=${REDACTED}&api%5Fkey=${REDACTED}&Signature=${REDACTED}&code=${REDACTED}&password=${REDACTED}`,
    ],
    ['/x?token=a&token=b', `/x?token=${REDACTED}&token=${REDACTED}`],
    [
      '/oembed?url=https%3A%2F%2Fbts.example%2Fpreview%2Fs3cr3t&format=json',
      `/oembed?url=https%3A%2F%2Fbts.example%2Fpreview%2F${REDACTED}&format=json`,
    ],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected)
  })

  it('leaves URLs without secrets as they are', () => {
    for (const url of [
      '/c/on-set/p/01H?reveal=1',
      '/api/v1/channels?member=me&cursor=x',
      '/preview',
      '/%zz?%=&a',
    ])
      expect(redactUrl(url)).toBe(url)
  })
})
