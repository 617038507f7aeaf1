import { describe, expect, it } from 'vitest'
import { buildPayload, encodePayload, excerpt } from './payload.js'
import type { PushPost } from './post-source.js'

const publicUrl = new URL('https://backlot.example/')
const variant = (name: string, format: 'jpeg' | 'webp') => ({
  name,
  format,
  width: 320,
  height: 240,
  key: 'k',
  bytes: 1,
})

function post(change: Partial<PushPost> = {}): PushPost {
  return {
    id: '01J0POST',
    channelId: 'c1',
    channelSlug: 'set-diary',
    channelTitle: 'The Show — Set Diary',
    authorId: 'a1',
    kind: 'text',
    text: 'Hello from set',
    status: 'published',
    isDeleted: false,
    isSpoiler: false,
    spoilerLabel: null,
    isSilent: false,
    isPinned: false,
    publishedAt: 1000,
    revision: 0,
    photoCount: 0,
    firstClearImage: null,
    question: null,
    ...change,
  }
}

describe('buildPayload', () => {
  it('links the post page and tags the notification with the post', () => {
    expect(buildPayload(post(), publicUrl, 'published')).toEqual({
      title: 'The Show — Set Diary',
      body: 'Hello from set',
      url: 'https://backlot.example/c/set-diary/p/01J0POST',
      tag: 'post:01J0POST',
      postId: '01J0POST',
      channel: 'set-diary',
      timestamp: 1000,
    })
  })

  it('announces an album by its size, with the 320 px JPEG of its first clear image', () => {
    const album = post({
      kind: 'album',
      text: '',
      photoCount: 10,
      firstClearImage: {
        mediaId: 'm2',
        variants: [variant('1080', 'jpeg'), variant('320', 'webp'), variant('320', 'jpeg')],
      },
    })
    const payload = buildPayload(album, publicUrl, 'published')
    expect(payload.body).toBe('New album: 10 photos')
    expect(payload.image).toBe('https://backlot.example/media/m2/320.jpg')
    expect(payload.icon).toBe(payload.image)
    expect(buildPayload({ ...album, text: 'Weeks 11–14' }, publicUrl, 'published').body).toBe(
      'New album: 10 photos\nWeeks 11–14',
    )
  })

  it('shows only the label of a spoiler post, and no image at all', () => {
    const spoiler = post({
      text: 'She survives',
      isSpoiler: true,
      spoilerLabel: 'Finale',
      photoCount: 3,
      firstClearImage: { mediaId: 'm1', variants: [variant('320', 'jpeg')] },
    })
    const payload = buildPayload(spoiler, publicUrl, 'published')
    expect(payload.body).toBe('Spoiler: Finale')
    expect(payload).not.toHaveProperty('image')
    expect(payload).not.toHaveProperty('icon')
    expect(buildPayload({ ...spoiler, spoilerLabel: null }, publicUrl, 'published').body).toBe('Spoiler')
  })

  it('asks the poll or prompt question, and marks pins', () => {
    expect(buildPayload(post({ kind: 'poll', question: 'Who wins?' }), publicUrl, 'published').body).toBe(
      'Poll: Who wins?',
    )
    expect(
      buildPayload(post({ kind: 'prompt', question: 'Your theory?' }), publicUrl, 'published').body,
    ).toBe('Question: Your theory?')
    expect(buildPayload(post(), publicUrl, 'pinned').body).toBe('Pinned: Hello from set')
  })

  it('shortens long text to an excerpt and always fits one push message', () => {
    const long = 'word '.repeat(400)
    const payload = buildPayload(post({ text: long, channelTitle: 'T'.repeat(5000) }), publicUrl, 'published')
    expect([...payload.body].length).toBeLessThanOrEqual(140)
    expect(payload.body.endsWith('…')).toBe(true)
    expect(encodePayload(payload).length).toBeLessThanOrEqual(3993)
    expect(excerpt('  a \n\n b  ')).toBe('a b')
  })
})
