import { describe, expect, it } from 'vitest'
import { DomainError } from '../../errors.js'
import { CAPTION_MAX_BYTES, parseWebVtt } from './webvtt.js'

function refusal(text: string | Buffer, durationMs: number | null = null): DomainError {
  try {
    parseWebVtt(Buffer.isBuffer(text) ? text : Buffer.from(text), durationMs)
  } catch (error) {
    if (error instanceof DomainError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('parseWebVtt (issue 20: caption uploads)', () => {
  it('re-serialises a valid file: header text, NOTE, STYLE and cue ids dropped; WebVTT tags kept', () => {
    const input = [
      '\uFEFFWEBVTT - made on set',
      'Kind: captions',
      '',
      'STYLE',
      '::cue { color: red; background: url(https://tracker.example/x) }',
      '',
      'NOTE who wrote this',
      '',
      'intro',
      '00:01.000 --> 00:02.500 align:start line:0 bogus:yes',
      '<v.loud Director>Action!</v> <i>quietly</i> & more &amp; <00:00:01.500>now',
      '',
      '01:00:00.000 --> 01:00:01.000',
      'Tom &lt;3 Jerry > Spike',
    ].join('\r\n')
    const out = parseWebVtt(Buffer.from(input), null)
    expect(out.cues).toBe(2)
    expect(out.text).toBe(
      [
        'WEBVTT',
        '',
        '00:00:01.000 --> 00:00:02.500 align:start line:0',
        '<v.loud Director>Action!</v> <i>quietly</i> &amp; more &amp; <00:00:01.500>now',
        '',
        '01:00:00.000 --> 01:00:01.000',
        'Tom &lt;3 Jerry &gt; Spike',
        '',
      ].join('\n'),
    )
  })

  it.each([
    ['no header', '00:01.000 --> 00:02.000\nHi', /line 1: a WebVTT file starts/],
    ['an HTML tag', 'WEBVTT\n\n00:01.000 --> 00:02.000\n<script>alert(1)</script>', /line 4: <script>/],
    ['an image tag', 'WEBVTT\n\n00:01.000 --> 00:02.000\n<img src=x onerror=alert(1)>', /<img src=x/],
    ['a bare <', 'WEBVTT\n\n00:01.000 --> 00:02.000\n1 < 2', /line 4: a "<" in cue text/],
    ['a bad class', 'WEBVTT\n\n00:01.000 --> 00:02.000\n<c.x"y>hi</c>', /class names/],
    ['a broken timing', 'WEBVTT\n\n00:01 --> 00:02.000\nHi', /line 3: expected a cue timing/],
    ['an end before the start', 'WEBVTT\n\n00:05.000 --> 00:02.000\nHi', /must end after it starts/],
    ['no cues', 'WEBVTT\n\nNOTE nothing here\n', /no cues/],
    ['a control character', 'WEBVTT\n\n00:01.000 --> 00:02.000\nH\u0007i', /line 4: control characters/],
  ])('refuses %s with caption-invalid and the line', (_name, text, detail) => {
    const error = refusal(text)
    expect(error.reason).toBe('caption-invalid')
    expect(error.message).toMatch(detail)
  })

  it('refuses a file that is not UTF-8', () => {
    const latin1 = Buffer.concat([Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nCaf'), Buffer.from([0xe9])])
    expect(refusal(latin1).message).toMatch(/UTF-8/)
  })

  it('refuses a cue that starts after the end of the video', () => {
    expect(refusal('WEBVTT\n\n00:09.000 --> 00:10.000\nLate', 5000).message).toMatch(/after the end/)
  })

  it('refuses a file over the cap with caption-too-large, before reading it', () => {
    const huge = Buffer.alloc(CAPTION_MAX_BYTES + 1, 'a')
    expect(refusal(huge).reason).toBe('caption-too-large')
  })
})
