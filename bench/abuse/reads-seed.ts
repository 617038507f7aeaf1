import sharp from 'sharp'
import { pool } from '../lib/pool.js'
import { setupChannel } from '../lib/server-process.js'

/**
 * A realistic production channel for the reads benchmark, built through the API: an 8-chapter
 * series filmed over 14 weeks, `posts` posts tagged across the weeks (every `albumEvery`-th an
 * album of three small photos, every 40th a spoiler), a few reactions and an automatic digest of
 * weeks 11–14. Returns the public paths a reader can load.
 */
export interface SeedOptions {
  posts: number
  albumEvery: number
}

export interface ReadTarget {
  page: string
  path: string
}

const DAY_MS = 86_400_000
const WEEKS = 14

function mondayWeeksAgo(weeks: number): string {
  const day = new Date(Date.now() - weeks * 7 * DAY_MS)
  const sinceMonday = (day.getUTCDay() + 6) % 7
  return new Date(day.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10)
}

function api(url: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : null
  }
}

/** One small distinct photo (a colour field): processing cost is not what this benchmark measures. */
async function photo(seed: number): Promise<Buffer> {
  const [w, h] = [96, 64]
  const pixels = Buffer.alloc(w * h * 3)
  for (let i = 0; i < w * h; i++) {
    pixels[i * 3] = (seed * 37 + i) % 256
    pixels[i * 3 + 1] = (seed * 91) % 256
    pixels[i * 3 + 2] = (seed * 13 + (i >> 4)) % 256
  }
  return sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer()
}

async function upload(url: string, token: string, seed: number): Promise<string> {
  const form = new FormData()
  form.append('file', new Blob([await photo(seed)], { type: 'image/jpeg' }), `IMG_${seed}.jpg`)
  const res = await fetch(`${url}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  const body = (await res.json()) as { id?: string; status?: string }
  if (res.status !== 201 || body.status !== 'ready') throw new Error(`upload: ${res.status}`)
  return body.id!
}

export async function seedReadsChannel(url: string, options: SeedOptions): Promise<ReadTarget[]> {
  const token = await setupChannel(url, 'bench')
  const call = api(url, token)
  await call('PUT', '/api/v1/channels/bench/production', {
    kind: 'series',
    title: 'The Show',
    season: 2,
    chapters: Array.from({ length: 8 }, (_, i) => ({ title: `Chapter title ${i + 1}` })),
    filmingStartsOn: mondayWeeksAgo(WEEKS),
    filmingWeeks: WEEKS,
  })
  const albums = Math.floor(options.posts / options.albumEvery)
  const media: string[] = new Array(albums * 3)
  await pool(2, media.length, async (i) => {
    media[i] = await upload(url, token, i)
  })
  const ids: string[] = new Array(options.posts)
  let albumPost = ''
  await pool(4, options.posts, async (i) => {
    const week = 1 + Math.floor((i * WEEKS) / options.posts)
    const album = i % options.albumEvery === 0 ? i / options.albumEvery : -1
    const post = await call('POST', '/api/v1/channels/bench/posts', {
      text: `Day ${i} on set: week ${week}, scene ${i % 97}. The crane shot, the rain machine, the long night.`,
      silent: true,
      ...(i % 40 === 7 && { spoiler: true, spoilerLabel: 'Finale' }),
      ...(album >= 0 &&
        album < albums && {
          media: [0, 1, 2].map((k) => ({ id: media[album * 3 + k]!, alt: `Photo ${k + 1} of day ${i}` })),
        }),
      production: {
        weeks: i % 5 === 0 ? { from: week, to: Math.min(WEEKS, week + 1) } : { from: week },
        chapters: [Math.min(8, Math.ceil((week * 8) / WEEKS))],
        location: `Stage ${1 + (i % 6)}`,
      },
    })
    ids[i] = post.id
    if (album >= 0 && album < albums) albumPost = post.id
  })
  for (const id of ids.slice(-30)) {
    await call('PUT', `/api/v1/channels/bench/posts/${id}/reaction`, { emoji: '❤️' })
  }
  const digest = await call('POST', '/api/v1/channels/bench/digests', {
    title: 'The last weeks',
    weeks: { from: 11, to: 14 },
    maxPosts: 10,
  })
  const postUrl = `${url}/c/bench/p/${albumPost}`
  return [
    { page: 'channel', path: '/c/bench' },
    { page: 'post', path: `/c/bench/p/${albumPost}` },
    { page: 'image', path: `/c/bench/p/${albumPost}/1` },
    { page: 'timeline', path: '/c/bench/timeline' },
    { page: 'digest', path: `/c/bench/digests/${digest.id}` },
    { page: 'embed', path: `/embed/p/${albumPost}` },
    { page: 'feed.rss', path: '/c/bench/feed.rss' },
    { page: 'feed.atom', path: '/c/bench/feed.atom' },
    { page: 'feed.json', path: '/c/bench/feed.json' },
    { page: 'oembed', path: `/oembed?format=json&url=${encodeURIComponent(postUrl)}` },
    { page: 'api posts', path: '/api/v1/channels/bench/posts' },
    { page: 'api timeline', path: '/api/v1/channels/bench/timeline' },
  ]
}
