import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js'
import { type DbKind, testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { createClusterDatabase, setupCreator, startNodeProcess } from '../_util/node-process.js'
import { fileExists, storeKeys } from './albums.fixture.js'

const ALBUMS = 14
const PER_ALBUM = 3
/** Successful posts before the kill: the server dies with the next ones in flight. */
const KILL_AFTER = 5
const WRITERS = 3
const SLUG = 'kill-set'

interface Attempt {
  mediaIds: string[]
  outcome: 'created' | 'refused' | 'lost'
  postId?: string
}

/**
 * DESIGN rule 4 under a crash: a real server process is SIGKILLed while albums are being published
 * from several connections, then restarted on the same data. Every album is whole or absent.
 */
describe.each(testDatabases)('killing the server mid-publish on %s', (kind: DbKind) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-kill-'))
  let cluster: Awaited<ReturnType<typeof createClusterDatabase>> | undefined

  afterAll(async () => {
    await cluster?.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  async function serverEnv(): Promise<Record<string, string>> {
    const env: Record<string, string> = { BACKLOT_DATA_DIR: dataDir, BACKLOT_MEDIA_UPLOAD_LIMIT: '1000' }
    if (kind === 'sqlite') return env
    cluster ??= await createClusterDatabase('albums')
    return { ...env, ...cluster.env }
  }

  async function openData(): Promise<DatabaseHandle> {
    if (cluster) return cluster.open()
    return openDatabase({ kind: 'sqlite', location: path.join(dataDir, 'backlot.db'), schema: 'public' })
  }

  it('leaves every album with all its images, or not there at all, after a restart', async () => {
    const env = await serverEnv()
    const first = await startNodeProcess({ env })
    const token = await setupCreator(first.url, 'killcreator', SLUG)
    const media: string[] = []
    for (let i = 0; i < ALBUMS * PER_ALBUM; i++) {
      const res = await uploadImage(first.url, token, await noisyJpeg(24 + (i % 17), 20 + (i % 11)))
      expect(res.status).toBe(201)
      media.push(res.body.id)
    }

    const attempts: Attempt[] = []
    let created = 0
    let killed: Promise<void> | undefined
    const writer = async () => {
      while (!killed && media.length >= PER_ALBUM) {
        const attempt: Attempt = { mediaIds: media.splice(0, PER_ALBUM), outcome: 'lost' }
        attempts.push(attempt)
        try {
          const res = await fetch(`${first.url}/api/v1/channels/${SLUG}/posts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              text: `Album ${attempts.length}`,
              media: attempt.mediaIds.map((id) => ({ id })),
            }),
          })
          const body = (await res.json()) as { id: string }
          attempt.outcome = res.status === 201 ? 'created' : 'refused'
          attempt.postId = body.id
          if (attempt.outcome === 'created' && ++created === KILL_AFTER) killed = first.kill()
        } catch {
          return // the server is gone: this request's fate is what the restart must settle
        }
      }
    }
    await Promise.all(Array.from({ length: WRITERS }, writer))
    await (killed ?? first.kill())
    expect(created).toBeGreaterThanOrEqual(KILL_AFTER)
    expect(attempts.filter((a) => a.outcome === 'refused')).toEqual([])

    const second = await startNodeProcess({ env })
    try {
      await using database = await openData()
      const db = database.db
      const channel = await db
        .selectFrom('channel')
        .selectAll()
        .where('slug', '=', SLUG)
        .executeTakeFirstOrThrow()
      const posts = await db.selectFrom('post').selectAll().where('channel_id', '=', channel.id).execute()
      const links = await db.selectFrom('post_media').selectAll().orderBy('position').execute()
      const events = await db
        .selectFrom('channel_event')
        .selectAll()
        .where('channel_id', '=', channel.id)
        .where('type', '=', 'post.published')
        .execute()
      const linksOf = (postId: string) => links.filter((l) => l.post_id === postId).map((l) => l.media_id)

      // Every album on disk is one attempt, whole: all its images, in order, files present.
      for (const post of posts) {
        const ids = linksOf(post.id)
        const attempt = attempts.find((a) => a.mediaIds[0] === ids[0])
        expect(attempt, `post ${post.id} matches no request`).toBeDefined()
        expect(ids).toEqual(attempt!.mediaIds)
        const rows = await db.selectFrom('media').selectAll().where('id', 'in', ids).execute()
        expect(rows).toHaveLength(PER_ALBUM)
        for (const row of rows) for (const key of storeKeys(row)) expect(fileExists(dataDir, key)).toBe(true)
      }
      // Acknowledged albums survived; the ones in flight are whole or absent (never partly linked).
      for (const attempt of attempts) {
        const post = posts.find((p) => linksOf(p.id)[0] === attempt.mediaIds[0])
        if (attempt.outcome === 'created') expect(post?.id).toBe(attempt.postId)
        const linked = links.filter((l) => attempt.mediaIds.includes(l.media_id))
        expect([0, PER_ALBUM]).toContain(linked.length)
      }
      // One post.published per post, carrying exactly that post's images.
      expect(events.map((e) => e.post_id).sort()).toEqual(posts.map((p) => p.id).sort())
      for (const event of events) {
        const data = JSON.parse(event.data) as { media: { id: string; width: number; blurhash: string }[] }
        expect(data.media.map((m) => m.id)).toEqual(linksOf(event.post_id!))
        for (const item of data.media) expect(item.width).toBeGreaterThan(0)
      }

      // The restarted server serves every album, and an upload of a lost request is still free.
      const page = (await fetch(`${second.url}/api/v1/channels/${SLUG}/posts?limit=100`).then((r) =>
        r.json(),
      )) as {
        items: { media: { originalUrl: string }[] }[]
      }
      expect(page.items).toHaveLength(posts.length)
      for (const post of page.items) {
        expect(post.media).toHaveLength(PER_ALBUM)
        const file = await fetch(post.media[0]!.originalUrl.replace(first.url, second.url))
        expect(file.status).toBe(200)
      }
      const free = [
        ...attempts.filter((a) => a.outcome === 'lost').flatMap((a) => a.mediaIds),
        ...media,
      ].find((id) => !links.some((l) => l.media_id === id))
      if (free) {
        const res = await fetch(`${second.url}/api/v1/channels/${SLUG}/posts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ media: [{ id: free }] }),
        })
        expect(res.status).toBe(201)
      }
    } finally {
      await second.stop()
    }
  })
})
