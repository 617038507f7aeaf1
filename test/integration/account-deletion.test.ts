import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelRow } from '../../src/db/schema.js'
import { type Client, client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { plainJpeg, uploadImage } from '../_util/images.js'
import { seedAccount, seedChannel, seedMember } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'
import { PASSWORD, sessionCookie } from './accounts-helpers.js'
import { manualClock } from './channels.fixture.js'
import { waitForExport } from './exports.fixture.js'

const DAY = 86_400_000
/** Strings that must be nowhere once the canary is erased. */
const CANARY_NAME = 'Zebulon Quarryfield'
const CANARY_HANDLE = 'canary_zq'
const CANARY_ANSWER = 'Kumquat lighthouse at dawn'
/** The comment of a report the canary makes. */
const CANARY_REPORT = 'Periwinkle gantry complaint'
/** The canary alone reacts with this emoji (one of the default set, so it stays in views with 0). */
const CANARY_EMOJI = '😮'

/**
 * Issue 17 point 3: deleting an account after the grace period leaves no trace of the person —
 * database, data folder, event-log replay — while their channel posts stay as "Former member" and
 * every count stays right. Owners are refused; logging in cancels; the grace period holds.
 */
describe.each(testDatabases)('account deletion on %s', (kind) => {
  let server: TestServer
  const clock = manualClock(Date.UTC(2026, 0, 5))
  let channel: ChannelRow
  let owner: Client

  beforeAll(async () => {
    server = await startTestServer(kind, { overrides: { clock } })
    const producer = await seedAccount(server.ctx, 'producer')
    channel = await seedChannel(server.ctx, producer.account, { slug: 'crew', visibility: 'public' })
    owner = client(server.url, { token: producer.token })
  })
  afterAll(async () => server?.destroy())

  async function register(handle: string, displayName: string) {
    const res = await client(server.url).post('/api/v1/accounts', { handle, displayName, password: PASSWORD })
    expect(res.status).toBe(201)
    const cookie = sessionCookie(res)
    return { id: res.body.id as string, cookie, as: client(server.url, { cookie }) }
  }

  const posts = `/api/v1/channels/crew/posts`

  it('refuses an owner with the channels to hand over, and a wrong password', async () => {
    const res = await owner.post('/api/v1/me/deletion', { password: 'whatever' })
    // Seeded accounts have no password: the password check comes first.
    expect(res.status).toBe(401)
    const boss = await register('boss', 'Boss')
    await seedChannel(server.ctx, (await server.ctx.accounts.getAccount(boss.id))!, { slug: 'boss-show' })
    const refused = await boss.as.post('/api/v1/me/deletion', { password: PASSWORD })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ code: 'owns-channels', channels: ['boss-show'] })
    expect(refused.body.detail).toContain('boss-show')
    expect((await boss.as.get('/api/v1/me/deletion')).body.pending).toBeNull()
  })

  it('logging in cancels a pending deletion and says so', async () => {
    const fan = await register('changes_mind', 'Changes Mind')
    const asked = await fan.as.post('/api/v1/me/deletion', { password: PASSWORD })
    expect(asked.status).toBe(202)
    expect(Date.parse(asked.body.pending.dueAt)).toBe(clock.now() + 7 * DAY)
    expect((await fan.as.get('/api/v1/me')).body.deletionDueAt).toBe(asked.body.pending.dueAt)
    const login = await client(server.url).post('/api/v1/sessions', {
      handle: 'changes_mind',
      password: PASSWORD,
    })
    expect(login.status).toBe(200)
    expect(login.body.deletionCancelled).toBe(true)
    expect((await fan.as.get('/api/v1/me/deletion')).body.pending).toBeNull()
    clock.advance(8 * DAY)
    expect(await server.ctx.erasure.eraseDue()).toBe(0)
    expect((await fan.as.get('/api/v1/me')).body.displayName).toBe('Changes Mind')
    const again = await client(server.url).post('/api/v1/sessions', {
      handle: 'changes_mind',
      password: PASSWORD,
    })
    expect(again.body.deletionCancelled).toBe(false)
  })

  it('cancelling in the settings stops it too', async () => {
    const fan = await register('cancels', 'Cancels')
    await fan.as.post('/api/v1/me/deletion', { password: PASSWORD })
    expect((await fan.as.delete('/api/v1/me/deletion')).body.pending).toBeNull()
    clock.advance(8 * DAY)
    expect(await server.ctx.erasure.eraseDue()).toBe(0)
  })

  it('erases the canary after the grace period: no trace anywhere, counts right, posts kept', async () => {
    const canary = await register(CANARY_HANDLE, CANARY_NAME)
    const other = await register('steady_fan', 'Steady Fan')
    await owner.put(`/api/v1/channels/crew/roles/${CANARY_HANDLE}`, { role: 'creator' })
    await seedMember(server.ctx, channel, await server.ctx.accounts.getAccount(other.id), null)

    const text = (await owner.post(posts, { text: 'Day 40 on set' })).body
    const poll = (
      await owner.post(posts, { poll: { question: 'Finale set?', options: ['Rooftop', 'Harbour'] } })
    ).body
    const prompt = (await owner.post(posts, { prompt: { question: 'Best scene so far?' } })).body
    const canaryPost = (await canary.as.post(posts, { text: 'Behind the clapperboard' })).body
    // An edit after the reactions: the rewritten event carries the counts of that moment.
    await canary.as.put(`${posts}/${text.id}/reaction`, { emoji: CANARY_EMOJI })
    await other.as.put(`${posts}/${text.id}/reaction`, { emoji: '🔥' })
    await canary.as.put(`${posts}/${poll.id}/vote`, { options: [0] })
    await other.as.put(`${posts}/${poll.id}/vote`, { options: [1] })
    const answer = (await canary.as.post(`${posts}/${prompt.id}/answers`, { text: CANARY_ANSWER })).body
    await owner.put(`${posts}/${prompt.id}/answers/${answer.id}/highlight`)
    await canary.as.patch(`${posts}/${canaryPost.id}`, { text: 'Behind the clapperboard, take 2' })
    await owner.patch(`${posts}/${text.id}`, { text: 'Day 40 on set (edited)' })
    expect((await owner.post(`${posts}/${poll.id}/poll/close`)).status).toBe(200)
    const upload = await uploadImage(server.url, await canaryToken(canary.as), await plainJpeg(64, 48))
    expect(upload.status).toBe(201)
    const mediaFilesBefore = listFiles(path.join(server.database.dataDir, 'media'))
    expect(mediaFilesBefore.length).toBeGreaterThan(0)
    const stream = await StreamClient.open(server.url, { cookie: canary.cookie })
    // A report the canary made (with their comment) and an archive of their data, ready to download.
    const reported = await canary.as.post('/api/v1/channels/crew/reports', {
      kind: 'post',
      postId: text.id,
      reason: 'other',
      comment: CANARY_REPORT,
    })
    expect(reported.status, JSON.stringify(reported.body)).toBe(201)
    const archive = await canary.as.post('/api/v1/me/exports')
    expect(archive.status).toBe(202)
    expect((await waitForExport(canary.as, archive.body.id)).status).toBe('ready')
    const exportsDir = path.join(server.database.dataDir, 'exports')
    expect(listFiles(exportsDir)).toHaveLength(1)
    expect(await tablesContaining(CANARY_REPORT)).toEqual(['report'])

    // Public surfaces, read (and cached) while the canary is there.
    const surfaces = ['/c/crew', `/c/crew/p/${canaryPost.id}`, '/c/crew/feed.json', '/c/crew/feed.atom']
    for (const url of surfaces) expect(await publicText(url), url).toContain(CANARY_NAME)
    // The search below finds the canary while it is there.
    expect(await tablesContaining(CANARY_NAME)).toEqual(expect.arrayContaining(['account', 'channel_event']))
    expect((await tablesContaining(CANARY_ANSWER)).sort()).toEqual(['channel_event', 'prompt_answer'])

    const asked = await canary.as.post('/api/v1/me/deletion', { password: PASSWORD })
    expect(asked.status).toBe(202)
    clock.advance(7 * DAY - 60_000)
    expect(await server.ctx.erasure.eraseDue()).toBe(0)
    expect((await canary.as.get('/api/v1/me')).status).toBe(200)
    clock.advance(60_000)
    expect(await server.ctx.erasure.eraseDue()).toBe(1)
    // Once: a second run (another node, a retry) finds nothing.
    expect(await server.ctx.erasure.eraseDue()).toBe(0)

    // Credentials and streams end.
    expect((await canary.as.get('/api/v1/me')).status).toBe(401)
    await stream.closed
    const login = await client(server.url).post('/api/v1/sessions', {
      handle: CANARY_HANDLE,
      password: PASSWORD,
    })
    expect(login.status).toBe(401)

    // Counts without the canary, through the API.
    const list = (await owner.get(posts)).body.items as Record<string, any>[]
    const byId = new Map(list.map((p) => [p.id, p]))
    const reactions = byId.get(text.id)!.reactions
    expect(reactions.total).toBe(1)
    expect(reactions.counts.find((c: { emoji: string }) => c.emoji === '🔥').count).toBe(1)
    const tally = byId.get(poll.id)!.poll
    expect(tally.totalVoters).toBe(1)
    expect(tally.options.map((o: { votes: number }) => o.votes)).toEqual([0, 1])
    // Their post stays, as the former member's.
    expect(byId.get(canaryPost.id)!.author.displayName).toBe('Former member')
    expect(byId.get(canaryPost.id)!.author.handle).not.toContain(CANARY_HANDLE)

    // No cached page or feed still shows them.
    for (const url of surfaces) {
      const text = await publicText(url)
      expect(text, url).not.toContain(CANARY_NAME)
      expect(text, url).not.toContain(CANARY_HANDLE)
    }
    expect(await publicText(`/c/crew/p/${canaryPost.id}`)).toContain('Former member')

    // The event log replay, as a stream from position 0 would send it.
    const replay = await server.ctx.eventLog.read(channel.id, 0, 1000)
    const frames = replay.map((e) => e.frame).join('\n')
    for (const canaryText of [CANARY_NAME, CANARY_HANDLE, CANARY_ANSWER]) {
      expect(frames).not.toContain(canaryText)
    }
    expect(frames).toContain('Former member')
    // The canary's reaction counted nowhere, the poll closed without their vote.
    const reactionCounts = [...frames.matchAll(/\{"emoji":"😮","count":(\d+)\}/g)].map((m) => Number(m[1]))
    expect(reactionCounts.length).toBeGreaterThan(0)
    expect(reactionCounts.every((n) => n === 0)).toBe(true)
    const closed = replay.find((e) => e.type === 'poll.closed')!
    expect(JSON.parse(closed.frame).event.data.poll).toMatchObject({
      totalVoters: 1,
      options: [{ votes: 0 }, { votes: 1 }],
    })

    // The database, every table.
    for (const canaryText of [CANARY_NAME, CANARY_HANDLE, CANARY_ANSWER, CANARY_REPORT]) {
      expect(await tablesContaining(canaryText)).toEqual([])
    }
    // The report case stays for the staff, one report fewer; the archive is gone.
    expect((await owner.get('/api/v1/channels/crew/reports')).body.items).toEqual([
      expect.objectContaining({ reportCount: 0 }),
    ])
    expect(listFiles(exportsDir)).toEqual([])
    // Event data lists the emoji of every view with its count: the reaction row is what must go.
    const emojiRows = await server.ctx.db
      .selectFrom('post_reaction')
      .selectAll()
      .where('emoji', '=', CANARY_EMOJI)
      .execute()
    expect(emojiRows).toEqual([])
    // The data folder: the SQLite files (database and WAL) and the media store.
    for (const file of listFiles(server.database.dataDir)) {
      const bytes = fs.readFileSync(file)
      for (const canaryText of [CANARY_NAME, CANARY_ANSWER]) {
        expect(bytes.includes(Buffer.from(canaryText)), `${canaryText} in ${file}`).toBe(false)
      }
    }
    expect(listFiles(path.join(server.database.dataDir, 'media'))).toEqual([])
  })

  async function publicText(url: string): Promise<string> {
    const res = await fetch(`${server.url}${url}`)
    expect(res.status, url).toBe(200)
    return res.text()
  }

  async function canaryToken(as: Client): Promise<string> {
    const res = await as.post('/api/v1/tokens', { name: 'uploads', scopes: ['read', 'post'] })
    return res.body.token
  }

  /** Tables with a row whose text mentions `needle` (every column, as JSON). */
  async function tablesContaining(needle: string): Promise<string[]> {
    const db = server.ctx.db
    const tables =
      kind === 'sqlite'
        ? (
            await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
          ).rows.map((r) => r.name)
        : (
            await sql<{ name: string }>`select table_name as name from information_schema.tables
              where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
          ).rows.map((r) => r.name)
    const found: string[] = []
    for (const table of tables) {
      const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows
      if (rows.some((row) => JSON.stringify(row).includes(needle))) found.push(table)
    }
    return found
  }
})

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
}
