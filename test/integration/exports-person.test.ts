import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../src/util/ids.js'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { albumServerEnv, seedAlbumWorld, uploadMany } from './albums.fixture.js'
import { download, jsonLines, unzip, waitForExport } from './exports.fixture.js'
import { publish } from './interactions.fixture.js'

const posts = '/api/v1/channels/set-diary/posts'

/**
 * Issue 17 point 2: a person downloads everything Backlot holds about them as one archive, checked
 * here file by file — their own rows only, no other person's data, no secrets — and only they can
 * download it, until it expires.
 */
describe.each(testDatabases)('personal export on %s', (kind) => {
  let server: TestServer
  let w: Awaited<ReturnType<typeof seedAlbumWorld>>
  let exportId: string
  let files: Map<string, Buffer>
  const secrets: string[] = []

  beforeAll(async () => {
    server = await startTestServer(kind, { env: albumServerEnv })
    w = await seedAlbumWorld(server)
    const db = server.ctx.db
    const me = w.accounts.creator.account
    const fan = w.accounts.fan.account
    // What must never leave the server: a password hash, session ids (hashes), push keys, token hashes.
    await db
      .updateTable('account')
      .set({ password_hash: '$argon2id$HASH-OF-ME' })
      .where('id', '=', me.id)
      .execute()
    const now = Date.now()
    for (const [account, label] of [
      [me.id, 'my phone'],
      [fan.id, 'FAN-DEVICE'],
    ] as const) {
      const sessionId = `SESSION-${newId()}`
      await db
        .insertInto('session')
        .values({
          id: sessionId,
          account_id: account,
          created_at: now,
          last_seen_at: now,
          expires_at: now + 86_400_000,
          public_id: newId(),
          device: `${label} browser`,
          network: '203.0.113.0/24',
        })
        .execute()
      const keys = { p256dh: `P256DH-${newId()}`, auth: `AUTH-${newId()}` }
      await db
        .insertInto('push_subscription')
        .values({
          id: newId(),
          account_id: account,
          endpoint: `https://push.example.net/${label.replace(' ', '-')}`,
          ...keys,
          label,
          expires_at: null,
          created_at: now,
          updated_at: now,
          language: 'en',
        })
        .execute()
      secrets.push(sessionId, keys.p256dh, keys.auth)
    }
    for (const t of await db.selectFrom('api_token').select('token_hash').execute())
      secrets.push(t.token_hash)
    secrets.push('$argon2id$HASH-OF-ME', w.accounts.creator.token)

    // My own activity, and the fan's beside it on the same posts.
    const [mine, alsoMine] = await uploadMany(server, w.accounts.creator.token, 2, { credit: 'Me Stills' })
    const [theirs] = await uploadMany(server, w.accounts.creator2.token, 1, { credit: 'THEIR-CREDIT' })
    await publish(w.creator, { text: 'My album', media: [{ id: mine!.id, rights: 'Editorial use only' }] })
    await publish(w.creator2, { text: 'THEIR-ALBUM', media: [{ id: theirs!.id }] })
    const poll = await publish(w.owner, {
      text: 'Poll',
      poll: { question: 'Finale set?', options: ['Roof', 'Harbour'] },
    })
    const prompt = await publish(w.owner, { text: 'Ask', prompt: { question: 'What next?' } })
    expect((await w.creator.put(`${posts}/${poll.id}/vote`, { options: [1] })).status).toBe(200)
    expect((await w.fan.put(`${posts}/${poll.id}/vote`, { options: [0] })).status).toBe(200)
    expect((await w.creator.put(`${posts}/${poll.id}/reaction`, { emoji: '🔥' })).status).toBe(200)
    expect((await w.fan.put(`${posts}/${poll.id}/reaction`, { emoji: '❤️' })).status).toBe(200)
    expect(
      (await w.creator.post(`${posts}/${prompt.id}/answers`, { text: 'The harbour at dawn' })).status,
    ).toBe(201)
    expect((await w.fan.post(`${posts}/${prompt.id}/answers`, { text: 'FAN-ANSWER' })).status).toBe(201)
    expect(alsoMine).toBeDefined()

    const res = await w.creator.post('/api/v1/me/exports')
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    expect(res.body).toMatchObject({ kind: 'person', channel: null, downloadUrl: null })
    exportId = res.body.id
    const done = await waitForExport(w.creator, exportId)
    expect(done.status).toBe('ready')
    const got = await download(server, w.accounts.creator.token, exportId)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('application/zip')
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="backlot-export-.*\.zip"$/)
    files = await unzip(got.bytes)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('reports progress as items done out of the total', async () => {
    const res = await w.creator.get(`/api/v1/me/exports/${exportId}`)
    expect(res.body.progress.total).toBeGreaterThan(10)
    expect(res.body.progress.done).toBe(res.body.progress.total)
    expect(res.body.downloadUrl).toBe(`/api/v1/me/exports/${exportId}/archive`)
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.finishedAt)).toBe(168 * 3_600_000)
    expect((await w.creator.get('/api/v1/me/exports')).body.items.map((e: { id: string }) => e.id)).toEqual([
      exportId,
    ])
  })

  it('holds a README, the manifest and one document per kind of data', () => {
    const mediaFiles = [...files.keys()].filter((f) => f.startsWith('media/'))
    expect([...files.keys()].filter((f) => !f.startsWith('media/'))).toEqual([
      'manifest.json',
      'profile.json',
      'README.md',
      'memberships.jsonl',
      'posts.jsonl',
      'reactions.jsonl',
      'votes.jsonl',
      'answers.jsonl',
      'push-subscriptions.jsonl',
      'sessions.jsonl',
      'api-tokens.jsonl',
      'media.jsonl',
    ])
    expect(mediaFiles).toHaveLength(2)
    const readme = files.get('README.md')!.toString()
    for (const name of files.keys()) if (!name.startsWith('media/')) expect(readme).toContain(`\`${name}\``)
    expect(JSON.parse(files.get('manifest.json')!.toString())).toMatchObject({
      format: 'backlot-person-export',
      version: 1,
      account: 'cocreator',
    })
  })

  it('has my profile, memberships, posts, reactions, votes and answers — and only mine', () => {
    const profile = JSON.parse(files.get('profile.json')!.toString())
    expect(profile).toEqual({
      id: w.accounts.creator.account.id,
      handle: 'cocreator',
      displayName: 'cocreator',
      email: null,
      language: null,
      isServerAdmin: false,
      createdAt: expect.any(String),
    })
    expect(jsonLines(files.get('memberships.jsonl'))).toEqual([
      expect.objectContaining({ channel: 'set-diary', role: 'creator', muted: false, notifications: 'all' }),
    ])
    expect(jsonLines(files.get('posts.jsonl')).map((p) => p.text)).toEqual(['My album'])
    expect(jsonLines(files.get('reactions.jsonl')).map((r) => r.emoji)).toEqual(['🔥'])
    expect(jsonLines(files.get('votes.jsonl'))).toEqual([
      expect.objectContaining({ question: 'Finale set?', choices: [{ option: 1, text: 'Harbour' }] }),
    ])
    expect(jsonLines(files.get('answers.jsonl')).map((a) => a.text)).toEqual(['The harbour at dawn'])
    expect(jsonLines(files.get('push-subscriptions.jsonl'))).toEqual([
      expect.objectContaining({ label: 'my phone', endpoint: 'https://push.example.net/my-phone' }),
    ])
    const sessions = jsonLines(files.get('sessions.jsonl'))
    expect(sessions.map((s) => s.device)).toEqual(['my phone browser'])
    expect(Object.keys(sessions[0]).sort()).toEqual([
      'createdAt',
      'device',
      'expiresAt',
      'id',
      'lastSeenAt',
      'network',
    ])
    expect(jsonLines(files.get('api-tokens.jsonl'))).toEqual([
      expect.objectContaining({ name: 'test', scopes: ['read', 'post', 'channel:admin'] }),
    ])
  })

  it('has my uploaded originals byte for byte, and their texts', async () => {
    const media = jsonLines(files.get('media.jsonl'))
    expect(media.map((m) => m.credit)).toEqual(['Me Stills', 'Me Stills'])
    for (const m of media) {
      const row = await server.ctx.db
        .selectFrom('media')
        .selectAll()
        .where('id', '=', m.id)
        .executeTakeFirstOrThrow()
      expect(row.owner_id).toBe(w.accounts.creator.account.id)
      expect(m.file).toBe(`media/${m.id}.jpg`)
      expect(files.get(m.file)!.equals((await server.ctx.mediaStore.get(row.original_key!))!)).toBe(true)
    }
  })

  it('names no other person and carries no secret', () => {
    const text = [...files]
      .filter(([name]) => !name.startsWith('media/'))
      .map(([, bytes]) => bytes.toString())
    const all = text.join('\n')
    for (const secret of secrets) expect(all).not.toContain(secret)
    for (const other of ['fan', 'stills', 'showrunner', 'insider', 'outsider'])
      expect(all).not.toMatch(new RegExp(`\\b${other}\\b`))
    for (const theirs of ['FAN-ANSWER', 'FAN-DEVICE', 'THEIR-CREDIT', 'THEIR-ALBUM', '❤️'])
      expect(all).not.toContain(theirs)
    for (const id of Object.values(w.accounts).map((a) => a.account.id))
      if (id !== w.accounts.creator.account.id) expect(all).not.toContain(id)
  })

  it('lets nobody else see or download it: 404 as for an unknown id', async () => {
    for (const other of [w.fan, w.owner]) {
      const seen = await other.get(`/api/v1/me/exports/${exportId}`)
      expect(seen.status).toBe(404)
      expect(seen.body.code).toBe('export-not-found')
      expect((await other.get('/api/v1/me/exports')).body.items).toEqual([])
    }
    expect((await download(server, w.accounts.fan.token, exportId)).status).toBe(404)
    expect((await download(server, null, exportId)).status).toBe(401)
    expect((await w.creator.get('/api/v1/me/exports/nope')).status).toBe(404)
  })

  it('runs one export per person at a time', async () => {
    const outsider = w.accounts.outsider.account.id
    await server.ctx.db
      .insertInto('export_job')
      .values({
        id: newId(),
        account_id: outsider,
        kind: 'person',
        channel_id: null,
        status: 'running',
        file_name: null,
        bytes: null,
        error: null,
        created_at: Date.now(),
        finished_at: null,
        expires_at: null,
      })
      .execute()
    const res = await w.outsider.post('/api/v1/me/exports')
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('export-running')
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })

  it('expires: the download stops, then the sweep deletes the file', async () => {
    const file = path.join(server.database.dataDir, 'exports', `${exportId}.zip`)
    expect(fs.existsSync(file)).toBe(true)
    await server.ctx.db
      .updateTable('export_job')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', exportId)
      .execute()
    expect((await w.creator.get(`/api/v1/me/exports/${exportId}`)).body).toMatchObject({
      status: 'expired',
      downloadUrl: null,
    })
    expect((await download(server, w.accounts.creator.token, exportId)).status).toBe(404)
    expect(await server.ctx.exports.sweep()).toBe(1)
    expect(fs.existsSync(file)).toBe(false)
    expect((await w.creator.get(`/api/v1/me/exports/${exportId}`)).body.status).toBe('expired')
    expect(await server.ctx.exports.sweep()).toBe(0)
  })

  it('is asked for with an account only', async () => {
    expect((await client(server.url).post('/api/v1/me/exports')).status).toBe(401)
  })
})
