import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import yazl from 'yazl'
import { importChannel } from '../../src/exports/index.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { seedAccount } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { download, jsonLines, unzip, waitForExport } from './exports.fixture.js'
import { createPost, fetchText, pressServerEnv, seedPressWorld, upload } from './press.fixture.js'

const posts = '/api/v1/channels/the-show/posts'

/**
 * Issue 17 point 2: a channel owner exports the whole channel; `backlot import` reads it into a
 * fresh server as an equal channel. The round trip is checked by what readers get: the public page,
 * the feeds and the API answer the same on both servers. What must differ and is ignored: the
 * server's origin (each has its own port) and the channel's own id; post, media and audit ids are
 * kept by the import, so every other URL is equal.
 */
describe.each(testDatabases)('channel export and import on %s', (kind) => {
  let source: TestServer
  let target: TestServer
  let w: Awaited<ReturnType<typeof seedPressWorld>>
  let archive: Map<string, Buffer>
  let archivePath: string
  let pollId: string

  beforeAll(async () => {
    source = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(source)
    // Everything the archive must carry: an album with credits, rights and a spoiler, production
    // tags, a poll with votes, an edited post, a pinned post, audit entries.
    const [a, b] = await upload(source, w.accounts.creator.token, 2, { alt: 'On set' })
    await createPost(w.creator, 'the-show', {
      text: 'Weeks 11–14 on set',
      spoilerLabel: 'Chapter 8',
      media: [
        { id: a, alt: 'Crane at night', credit: 'Jo Stills', rights: 'Editorial use only' },
        { id: b, spoiler: true, credit: 'Jo Stills' },
      ],
      production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Harbour', unit: 'Second unit' },
    })
    const poll = await createPost(w.owner, 'the-show', {
      text: 'Finale vote',
      poll: { question: 'Which set for the finale?', options: ['Rooftop', 'Harbour', 'Forest'] },
    })
    pollId = poll.id
    expect((await w.fan.put(`${posts}/${poll.id}/vote`, { options: [1] })).status).toBe(200)
    expect((await w.creator.put(`${posts}/${poll.id}/vote`, { options: [1] })).status).toBe(200)
    const edited = await createPost(w.creator, 'the-show', { text: 'First cut of the day' })
    expect((await w.creator.patch(`${posts}/${edited.id}`, { text: 'Final cut of the day' })).status).toBe(
      200,
    )
    expect((await w.owner.put(`${posts}/${edited.id}/pin`)).status).toBe(200)
    await createPost(w.owner, 'the-show', { text: 'Ask the crew', prompt: { question: 'What next?' } })
    const removed = await createPost(w.creator, 'the-show', { text: 'GONE-POST' })
    expect((await w.owner.delete(`${posts}/${removed.id}`)).status).toBe(204)
    expect(
      (await w.owner.patch('/api/v1/channels/the-show', { description: 'Behind the scenes' })).status,
    ).toBe(200)

    const requested = await w.owner.post('/api/v1/channels/the-show/exports')
    expect(requested.status, JSON.stringify(requested.body)).toBe(202)
    expect(requested.body).toMatchObject({ kind: 'channel', channel: 'the-show' })
    expect((await waitForExport(w.owner, requested.body.id)).status).toBe('ready')
    const got = await download(source, w.accounts.owner.token, requested.body.id)
    expect(got.status).toBe(200)
    archive = await unzip(got.bytes)
    archivePath = path.join(source.database.dataDir, 'the-show.zip')
    fs.writeFileSync(archivePath, got.bytes)

    target = await startTestServer(kind, { env: pressServerEnv })
    // The people the archive names by handle have accounts on the new server (the fan does not).
    await seedAccount(target.ctx, 'showrunner')
    await seedAccount(target.ctx, 'cocreator')
  })
  afterAll(async () => {
    await source?.destroy()
    await target?.destroy()
  })

  it('only the owner may export the channel', async () => {
    expect((await w.creator.post('/api/v1/channels/the-show/exports')).status).toBe(403)
    expect((await w.fan.post('/api/v1/channels/the-show/exports')).status).toBe(403)
    expect((await w.anonymous.post('/api/v1/channels/the-show/exports')).status).toBe(401)
    expect((await w.owner.post('/api/v1/channels/nope/exports')).status).toBe(404)
  })

  it('holds the documented files, poll totals and no fan data', () => {
    const names = [...archive.keys()]
    expect(names.filter((n) => !n.startsWith('media/'))).toEqual([
      'manifest.json',
      'channel.json',
      'README.md',
      'audit.jsonl',
      'media.jsonl',
      'posts.jsonl',
    ])
    expect(names.filter((n) => n.startsWith('media/'))).toHaveLength(2)
    expect(JSON.parse(archive.get('manifest.json')!.toString())).toMatchObject({
      format: 'backlot-channel-export',
      version: 1,
      channel: 'the-show',
    })
    expect(JSON.parse(archive.get('channel.json')!.toString())).toMatchObject({
      owner: 'showrunner',
      membersCount: 3,
      production: expect.objectContaining({ title: 'The Show', filmingWeeks: 14 }),
    })
    const postDocs = jsonLines(archive.get('posts.jsonl'))
    expect(postDocs.find((p) => p.id === pollId).poll.totals).toEqual({ voters: 2, votes: [0, 2, 0] })
    expect(postDocs.find((p) => p.text === 'Final cut of the day').history).toEqual([
      expect.objectContaining({
        revision: 0,
        editor: 'cocreator',
        before: expect.objectContaining({ text: 'First cut of the day' }),
      }),
    ])
    const text = [...archive]
      .filter(([n]) => !n.startsWith('media/'))
      .map(([, b]) => b.toString())
      .join('\n')
    expect(text).not.toContain('GONE-POST')
    expect(text).not.toMatch(/\bfan\b/)
    expect(text).not.toContain(w.accounts.fan.account.id)
    expect(jsonLines(archive.get('audit.jsonl')).map((a) => a.action)).toContain('channel.updated')
  })

  it('imports into a fresh server; the public page, feeds and API answer the same', async () => {
    const result = await importChannel(
      {
        db: target.ctx.db,
        mediaStore: target.ctx.mediaStore,
        clock: target.ctx.clock,
        media: {
          maxPixels: target.ctx.config.media.maxPixels,
          maxBytes: target.ctx.config.media.maxBytes,
          video: target.ctx.config.media.video,
        },
      },
      archivePath,
    )
    expect(result).toEqual({
      slug: 'the-show',
      owner: 'showrunner',
      posts: 4,
      media: 2,
      audit: expect.any(Number),
      unmatchedHandles: [],
    })
    const same = (a: string, b: string, channelIds: [string, string]) => {
      const [x, y] = [normalise(a, source, channelIds[0]), normalise(b, target, channelIds[1])]
      let i = 0
      while (i < x.length && x[i] === y[i]) i++
      expect(y.slice(Math.max(0, i - 80), i + 80)).toBe(x.slice(Math.max(0, i - 80), i + 80))
    }
    const ids: [string, string] = [
      w.channel.id,
      (
        await target.ctx.db
          .selectFrom('channel')
          .select('id')
          .where('slug', '=', 'the-show')
          .executeTakeFirstOrThrow()
      ).id,
    ]
    const anonymousA = client(source.url)
    const anonymousB = client(target.url)
    for (const url of [
      '/api/v1/channels/the-show',
      '/api/v1/channels/the-show/posts',
      '/api/v1/channels/the-show/production',
      `/api/v1/channels/the-show/posts/${pollId}`,
    ]) {
      const [a, b] = [await anonymousA.get(url), await anonymousB.get(url)]
      expect(b.status, url).toBe(200)
      same(JSON.stringify(a.body), JSON.stringify(b.body), ids)
    }
    // Search finds the imported posts as it found the originals (issue 19), never the deleted one.
    for (const q of ['crane', 'finale', 'harbour', 'gone']) {
      const url = `/api/v1/channels/the-show/search?q=${q}`
      const [a, b] = [await anonymousA.get(url), await anonymousB.get(url)]
      expect(
        b.body.items.map((i: { id: string }) => i.id),
        q,
      ).toEqual(a.body.items.map((i: { id: string }) => i.id))
    }
    expect((await anonymousB.get('/api/v1/channels/the-show/search?q=harbour')).body.items).toHaveLength(2)
    for (const page of [
      '/c/the-show',
      `/c/the-show/p/${pollId}`,
      '/c/the-show/timeline',
      '/c/the-show/feed.json',
      '/c/the-show/feed.atom',
      '/c/the-show/feed.rss',
    ]) {
      const [a, b] = [await fetchText(source.url + page), await fetchText(target.url + page)]
      expect(b.status, page).toBe(200)
      same(a.text, b.text, ids)
    }
    // The imported poll goes on counting: a new vote adds to the imported totals.
    const owner = client(target.url, { token: (await seedAccount(target.ctx, 'newfan')).token })
    expect((await owner.post('/api/v1/channels/the-show/members')).status).toBe(201)
    expect((await owner.put(`${posts}/${pollId}/vote`, { options: [0] })).status).toBe(200)
    // Read as the voter: anonymous readers share a build whose counts may be a few seconds old.
    const after = await owner.get(`${posts}/${pollId}`)
    expect(after.body.poll.options.map((o: { votes: number }) => o.votes)).toEqual([1, 2, 0])
  })

  it('refuses a slug that is taken, an unknown owner, a wrong version and a missing file, in one line', async () => {
    const deps = {
      db: target.ctx.db,
      mediaStore: target.ctx.mediaStore,
      clock: target.ctx.clock,
      media: { maxPixels: 100_000_000, maxBytes: 50_000_000, video: target.ctx.config.media.video },
    }
    await expect(importChannel(deps, archivePath)).rejects.toThrow(
      'the channel slug "the-show" is taken on this server',
    )
    await target.ctx.db
      .updateTable('channel')
      .set({ slug: 'the-show-old' })
      .where('slug', '=', 'the-show')
      .execute()
    await expect(importChannel(deps, archivePath, { owner: 'nobody' })).rejects.toThrow(
      'no account @nobody on this server to own the channel (use --owner HANDLE)',
    )
    const notZip = path.join(source.database.dataDir, 'not.zip')
    fs.writeFileSync(notZip, 'hello')
    await expect(importChannel(deps, notZip)).rejects.toThrow(/^cannot read the archive/)
    const wrongVersion = await zipOf(source, 'v99.zip', {
      'manifest.json': { format: 'backlot-channel-export', version: 99 },
    })
    await expect(importChannel(deps, wrongVersion)).rejects.toThrow(
      'archive format version 99 is not supported (this server reads 1)',
    )
    const personal = await zipOf(source, 'person.zip', {
      'manifest.json': { format: 'backlot-person-export', version: 1 },
    })
    await expect(importChannel(deps, personal)).rejects.toThrow(/is not a Backlot channel archive/)
    const partial = await zipOf(source, 'partial.zip', {
      'manifest.json': { format: 'backlot-channel-export', version: 1 },
      'channel.json': { ...JSON.parse(archive.get('channel.json')!.toString()), slug: 'fresh-one' },
      'media.jsonl': '',
    })
    await expect(importChannel(deps, partial)).rejects.toThrow('the archive has no audit.jsonl, posts.jsonl')
    // Nothing of the refused archives stayed behind.
    expect(
      await target.ctx.db.selectFrom('channel').select('slug').where('slug', '=', 'fresh-one').execute(),
    ).toEqual([])
    const before = await target.ctx.db
      .selectFrom('post')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(before.n)).toBe(4)
  })
})

/** Writes a small zip of the given entries (objects as JSON) and returns its path. */
async function zipOf(server: TestServer, name: string, entries: Record<string, unknown>): Promise<string> {
  const zip = new yazl.ZipFile()
  for (const [file, value] of Object.entries(entries))
    zip.addBuffer(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), file)
  zip.end()
  const out = path.join(server.database.dataDir, name)
  await pipeline(zip.outputStream, fs.createWriteStream(out))
  return out
}

/** A body with the server's origin and the channel's own id replaced: what must differ between the two. */
function normalise(text: string, server: TestServer, channelId: string): string {
  return (
    text
      .replaceAll(server.url, 'ORIGIN')
      .replaceAll(encodeURIComponent(server.url), 'ORIGIN')
      .replaceAll(new URL(server.url).host, 'HOST')
      .replaceAll(channelId, 'CHANNEL')
      .replaceAll(/"memberCount":\d+/g, '"memberCount":N')
      // Images are re-processed by the import: the same pictures, not the same bytes.
      .replaceAll(/"size_in_bytes":\d+/g, '"size_in_bytes":N')
      .replaceAll(/ length="\d+"/g, ' length="N"')
      // A feed's own "last changed" includes the event log's latest change (a deletion moves it);
      // the import starts a fresh event log.
      .replace(/(<\/subtitle>\s*<updated>)[^<]*/, '$1T')
      .replace(/<lastBuildDate>[^<]*/, '<lastBuildDate>T')
      .replaceAll(/data-epoch="[^"]*" data-seq="\d+"/g, 'data-epoch="E" data-seq="S"')
  )
}
