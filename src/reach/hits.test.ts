import { describe, expect, it } from 'vitest'
import { embedOrigin } from './hits.js'

describe('the embedding site of an embed request', () => {
  it.each([
    ['https://News.Example/2026/12/secret-article?utm_source=x#top', 'https://news.example'],
    ['http://blog.example:8080/post/1', 'http://blog.example:8080'],
    ['https://user:pass@press.example.org/a', 'https://press.example.org'],
    [undefined, 'direct'],
    ['', 'direct'],
    ['android-app://com.example.reader/', 'other'],
    ['not a url', 'other'],
    [`https://${'a'.repeat(250)}.example/`, 'other'],
  ])('%s → %s (origin only, never the path)', (referer, origin) => {
    expect(embedOrigin(referer)).toBe(origin)
  })
})
