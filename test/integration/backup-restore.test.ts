import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { backlotCli, postEvents, resumeOverSse, resumeOverWebSocket, seedOnSet } from './backup.fixture.js'

/**
 * Issue 14, item 2: a restored backup must change the stream epoch, or a client at (E, 13) would
 * take the restored history's new 14 and 15 and silently miss its new 11–13. SQLite: the
 * `backlot backup` / `backlot restore` commands, and a copy put back by hand.
 */
describe.each(testDatabases.filter((kind) => kind === 'sqlite'))('backup and restore on %s', (kind) => {
  let database: TestDatabase
  let server: TestServer | undefined

  const start = async (warnings?: Record<string, any>[]) => {
    const logger = warnings ? captureWarnings(warnings) : undefined
    server = await startTestServer(kind, { database, overrides: logger ? { logger } : {} })
    return server
  }
  const stop = async () => {
    await server?.close()
    server = undefined
  }
  const live = () => database.config.location

  afterEach(async () => {
    await stop()
    await database.drop()
  })

  it('backlot backup, then restore: clients at the old position get reset, fresh ones the new epoch', async () => {
    database = await createTestDatabase(kind)
    const first = await start()
    const { channelId } = await seedOnSet(first)
    await postEvents(first, channelId, 10)
    const oldEpoch = first.ctx.eventLog.epoch
    const backupFile = path.join(database.dataDir, 'week-10.db')
    const backup = await backlotCli(database, ['backup', '--output', backupFile])
    expect(backup).toMatchObject({ code: 0, stderr: '' })
    expect(backup.stdout).toMatch(new RegExp(`^backup written to ${backupFile} \\(\\d+\\.\\d KiB\\)\\n`))
    // Events 11–13 happen after the backup; a client sees them, then the database is restored.
    await postEvents(first, channelId, 3)
    await stop()

    const restore = await backlotCli(database, ['restore', backupFile])
    expect(restore).toMatchObject({ code: 0, stderr: '' })
    const aside = /^the previous database is kept at (.+)$/m.exec(restore.stdout)?.[1]
    expect(aside).toMatch(/backlot\.db\.before-restore-\d{8}-\d{6}$/)
    expect(lastSeqOf(aside!)).toBe(13)

    const second = await start()
    const newEpoch = second.ctx.eventLog.epoch
    expect(newEpoch).not.toBe(oldEpoch)
    expect(restore.stdout).toContain(`new stream epoch ${newEpoch}`)
    // The restored history reuses 11–15 for new events.
    expect((await postEvents(second, channelId, 5)).map((e) => e.seq)).toEqual([11, 12, 13, 14, 15])

    const ws = await resumeOverWebSocket(second, { epoch: oldEpoch, seq: 13 })
    expect(ws.frames.filter((f) => f.type === 'event')).toEqual([])
    expect(ws.frames.find((f) => f.type === 'reset')).toMatchObject({
      reason: 'epoch-changed',
      position: { epoch: newEpoch, seq: 15 },
    })
    const sse = await resumeOverSse(second, `${oldEpoch}:13`)
    expect(sse.map((m) => m.event)).toEqual(['reset', 'subscribed'])
    expect(JSON.parse(sse[0]!.data!)).toMatchObject({ reason: 'epoch-changed' })
    const fresh = await resumeOverWebSocket(second, undefined)
    expect(fresh.subscribed.position).toEqual({ epoch: newEpoch, seq: 15 })
  })

  it('restore refuses while the server runs, with one line and exit code 1, changing nothing', async () => {
    database = await createTestDatabase(kind)
    const running = await start()
    const { channelId } = await seedOnSet(running)
    await postEvents(running, channelId, 2)
    const backupFile = path.join(database.dataDir, 'copy.db')
    expect((await backlotCli(database, ['backup', '--output', backupFile])).code).toBe(0)
    await postEvents(running, channelId, 1)
    const files = fs.readdirSync(database.dataDir).sort()

    const refused = await backlotCli(database, ['restore', backupFile])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr.trim().split('\n')).toEqual([
      'backlot: the database is in use: stop the server (every worker) and any other backlot command first',
    ])
    expect(fs.readdirSync(database.dataDir).sort()).toEqual(files)
    // Still the same history, still serving.
    const next = await postEvents(running, channelId, 1)
    expect(next[0]!.seq).toBe(4)
  })

  it('restore refuses a file that is not a Backlot database, with one line and exit code 1, changing nothing', async () => {
    database = await createTestDatabase(kind)
    const { channelId } = await seedOnSet(await start())
    await postEvents(server!, channelId, 2)
    const epoch = server!.ctx.eventLog.epoch
    await stop()
    const notes = path.join(database.dataDir, 'notes.txt')
    fs.writeFileSync(notes, 'call sheet, week 11\n')
    const otherApp = path.join(database.dataDir, 'other-app.db')
    new SqliteDatabase(otherApp).exec('create table things (id integer primary key)').close()
    const files = fs.readdirSync(database.dataDir).sort()
    const digest = sha256(live())

    for (const [file, line] of [
      [notes, `backlot: ${notes} is not a Backlot database: file is not a database`],
      [otherApp, `backlot: ${otherApp} is not a Backlot database: it has no meta or migration table`],
      [
        path.join(database.dataDir, 'missing.db'),
        `backlot: ${path.join(database.dataDir, 'missing.db')}: no such file`,
      ],
    ]) {
      const refused = await backlotCli(database, ['restore', file!])
      expect(refused.code).toBe(1)
      expect(refused.stderr.trim().split('\n')).toEqual([line])
    }
    expect(fs.readdirSync(database.dataDir).sort()).toEqual(files)
    expect(sha256(live())).toBe(digest)
    expect((await start()).ctx.eventLog.epoch).toBe(epoch)
  })

  it('an older copy put back by hand (cp, -wal/-shm deleted) changes the epoch at the next start', async () => {
    database = await createTestDatabase(kind)
    const first = await start()
    const { channelId } = await seedOnSet(first)
    await postEvents(first, channelId, 10)
    const epoch = first.ctx.eventLog.epoch
    await stop()
    const older = path.join(database.dataDir, 'older.db')
    fs.copyFileSync(live(), older)

    // A plain restart keeps the epoch; the clients of this run see 11–13.
    const second = await start()
    expect(second.ctx.eventLog.epoch).toBe(epoch)
    await postEvents(second, channelId, 3)
    await stop()

    fs.copyFileSync(older, live())
    for (const suffix of ['-wal', '-shm']) fs.rmSync(live() + suffix, { force: true })
    const warnings: Record<string, any>[] = []
    const third = await start(warnings)
    const newEpoch = third.ctx.eventLog.epoch
    expect(newEpoch).not.toBe(epoch)
    expect(warnings).toEqual([expect.objectContaining({ reason: 'database-replaced', epoch: newEpoch })])
    await postEvents(third, channelId, 5)
    const ws = await resumeOverWebSocket(third, { epoch, seq: 13 })
    expect(ws.frames.filter((f) => f.type === 'event')).toEqual([])
    expect(ws.frames.find((f) => f.type === 'reset')).toMatchObject({ reason: 'epoch-changed' })
  })

  it('a backlot backup file copied into place by hand also changes the epoch, naming it in the log', async () => {
    database = await createTestDatabase(kind)
    const first = await start()
    const { channelId } = await seedOnSet(first)
    await postEvents(first, channelId, 4)
    const epoch = first.ctx.eventLog.epoch
    const backupFile = path.join(database.dataDir, 'copy.db')
    expect((await backlotCli(database, ['backup', '--output', backupFile])).code).toBe(0)
    await stop()

    fs.copyFileSync(backupFile, live())
    const warnings: Record<string, any>[] = []
    const second = await start(warnings)
    expect(second.ctx.eventLog.epoch).not.toBe(epoch)
    expect(warnings).toEqual([expect.objectContaining({ reason: 'backup-restored' })])
    expect(warnings[0]!.msg).toContain('a copy written by "backlot backup"')
    // The mark is gone once acted on: the next plain restart keeps the new epoch.
    const newEpoch = second.ctx.eventLog.epoch
    await stop()
    expect((await start()).ctx.eventLog.epoch).toBe(newEpoch)
  })
})

function lastSeqOf(file: string): number {
  const db = new SqliteDatabase(file, { readonly: true })
  try {
    return db.prepare("select last_seq from channel where slug = 'on-set'").pluck().get() as number
  } finally {
    db.close()
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

/** A logger that keeps the warnings (and worse) it is given, parsed. */
function captureWarnings(lines: Record<string, any>[]) {
  return pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
}
