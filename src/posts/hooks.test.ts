import { describe, expect, it } from 'vitest'
import type { ChannelRow } from '../db/schema.js'
import { hydratePublicParts, insertAreaFields, type PostHooks, type PublicPostParts } from './hooks.js'
import type { CreatePostInput } from './schemas.js'
import type { PostRecord } from './views.js'

const channel = { id: 'ch1', slug: 'on-set' } as ChannelRow
const db = {} as never
const record = (id: string) => ({ id, channel_id: channel.id, kind: 'text' }) as PostRecord
const context = { actorId: 'a1', now: 1 }

/** Hooks are how other areas extend posts without posts importing them (issue 15, item 3). */
describe('post hooks', () => {
  it("runs every area's insertFields on a new post, not only the area that made its kind", async () => {
    const calls: string[] = []
    const pollArea: PostHooks = {
      prepare: (input) => (input.text === 'poll' ? { kind: 'poll', parts: null } : null),
      insert: async () => void calls.push('poll: insert'),
      insertFields: async (_tx, post) => void calls.push(`poll: fields of ${post.id}`),
    }
    const tagsArea: PostHooks = {
      insertFields: async (_tx, post, input) =>
        void calls.push(`tags: ${input.text} in ${post.channel.slug}`),
    }
    const input = { text: 'a text post' } as CreatePostInput
    await insertAreaFields([pollArea, {}, tagsArea], db, { id: 'p1', channel }, input, context)
    expect(calls).toEqual(['poll: fields of p1', 'tags: a text post in on-set'])
  })

  it('stops at the first area that refuses, so the create transaction rolls back', async () => {
    const calls: string[] = []
    const refusing: PostHooks = {
      insertFields: async () => {
        throw new Error('chapter 99 does not exist')
      },
    }
    const later: PostHooks = { insertFields: async () => void calls.push('later') }
    const input = {} as CreatePostInput
    await expect(
      insertAreaFields([refusing, later], db, { id: 'p1', channel }, input, context),
    ).rejects.toThrow('chapter 99')
    expect(calls).toEqual([])
  })

  it("hands the public surfaces every area's facts, per post and in the posts' order", async () => {
    const album: PostHooks = {
      hydratePublic: async (_db, _channel, posts, parts) => {
        posts.forEach((p, i) => {
          parts[i]!.images = p.id === 'p2' ? [] : undefined
        })
      },
    }
    const counts: PostHooks = {
      hydratePublic: async (_db, seen, posts, parts) => {
        posts.forEach((p, i) => {
          Object.assign(parts[i]!, { reactions: p.id === 'p1' ? 3 : 0, tagLabels: [seen.slug] })
        })
      },
    }
    const parts: PublicPostParts[] = await hydratePublicParts([album, {}, counts], db, channel, [
      record('p1'),
      record('p2'),
    ])
    expect(parts).toEqual([
      { images: undefined, reactions: 3, tagLabels: ['on-set'] },
      { images: [], reactions: 0, tagLabels: ['on-set'] },
    ])
  })
})
