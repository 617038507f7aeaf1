import { expect } from 'vitest'
import { client } from '../_util/client.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'
import { uploadMany } from './albums.fixture.js'

/** Uploads are rate limited per account; press tests upload a few dozen tiny images. */
export const pressServerEnv = { BACKLOT_MEDIA_UPLOAD_LIMIT: '1000' }

export const eightChapters = Array.from({ length: 8 }, (_, i) => ({
  title: i === 7 ? 'The Last Chapter' : `Chapter title ${i + 1}`,
  airDate: `2026-0${i + 1}-15`,
}))

export const showProduction = {
  kind: 'series',
  title: 'The Show',
  season: 2,
  chapters: eightChapters,
  filmingStartsOn: '2026-01-05',
  filmingWeeks: 14,
}

/**
 * A public channel "the-show" described as an 8-chapter series filmed over 14 weeks (owner, a
 * creator, a fan), an unlisted "b-roll" and a private "writers-room", with a client per account.
 */
export async function seedPressWorld(server: TestServer) {
  const ctx = server.ctx
  const owner = await seedAccount(ctx, 'showrunner')
  const creator = await seedAccount(ctx, 'cocreator')
  const fan = await seedAccount(ctx, 'fan')
  const channel = await seedChannel(ctx, owner.account, { slug: 'the-show', title: 'The Show — on set' })
  await seedMember(ctx, channel, creator.account, 'creator')
  await seedMember(ctx, channel, fan.account, null)
  const unlisted = await seedChannel(ctx, owner.account, { slug: 'b-roll', visibility: 'unlisted' })
  const privateChannel = await seedChannel(ctx, owner.account, {
    slug: 'writers-room',
    visibility: 'private',
  })
  const as = (token: string) => client(server.url, { token })
  const world = {
    channel,
    unlisted,
    privateChannel,
    accounts: { owner, creator, fan },
    owner: as(owner.token),
    creator: as(creator.token),
    fan: as(fan.token),
    anonymous: client(server.url),
  }
  const res = await world.owner.put('/api/v1/channels/the-show/production', showProduction)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return world
}

export type PressWorld = Awaited<ReturnType<typeof seedPressWorld>>

/** Uploads `count` small distinct JPEGs as the token's account; returns their media ids. */
export async function upload(
  server: TestServer,
  token: string,
  count: number,
  options: { alt?: string; credit?: string; spoiler?: string } = {},
): Promise<string[]> {
  const media = await uploadMany(server, token, count, options, { width: 48, height: 32 })
  return media.map((m) => m.id)
}

/** Creates a post through the API and returns its view (asserting 201). */
export async function createPost(
  c: ReturnType<typeof client>,
  slug: string,
  body: Record<string, unknown>,
): Promise<any> {
  const res = await c.post(`/api/v1/channels/${slug}/posts`, body)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body
}

/** Text of a page or feed, with its status. */
export async function fetchText(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, redirect: 'manual' })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

export async function fetchBytes(url: string) {
  const res = await fetch(url)
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}
