import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { backlotCli, postEvents, resumeOverSse, resumeOverWebSocket, seedOnSet } from './backup.fixture.js'

const run = promisify(execFile)

/**
 * Issue 14, item 2 on both databases: a restart keeps the epoch, a restore changes it (once, even
 * with several nodes starting together), and a resuming client's event id catches what no marker
 * can see.
 */
describe.each(testDatabases)('restore detection on %s', (kind) => {
  let database: TestDatabase
  const servers: TestServer[] = []

  const start = async (warnings?: Record<string, any>[]) => {
    const overrides = warnings ? { logger: captureWarnings(warnings) } : {}
    const server = await startTestServer(kind, { database, overrides })
    servers.push(server)
    return server
  }
  const stopAll = async () => {
    for (const server of servers.splice(0)) await server.close()
  }

  afterEach(async () => {
    await stopAll()
    await database.drop()
  })

  it('a plain restart keeps the epoch: a client resumes with exactly what it missed, no reset', async () => {
    database = await createTestDatabase(kind)
    const first = await start()
    const { channelId } = await seedOnSet(first)
    const seen = await postEvents(first, channelId, 3)
    const epoch = first.ctx.eventLog.epoch
    await stopAll()
    const warnings: Record<string, any>[] = []
    const second = await start(warnings)
    expect(second.ctx.eventLog.epoch).toBe(epoch)
    expect(warnings).toEqual([])
    const missed = await postEvents(second, channelId, 2)
    const resumed = await resumeOverWebSocket(second, { epoch, seq: 3, id: seen[2]!.id })
    expect(resumed.frames.map((f) => f.type)).toEqual(['event', 'event', 'subscribed'])
    expect(resumed.frames.slice(0, 2).map((f) => f.event.id)).toEqual(missed.map((e) => e.id))
  })

  it('an older copy restored by hand changes the epoch at the next start', async () => {
    database = await createTestDatabase(kind)
    const first = await start()
    const { channelId } = await seedOnSet(first)
    await postEvents(first, channelId, 10)
    const epoch = first.ctx.eventLog.epoch
    const putBack = await copyNow(database)
    await postEvents(first, channelId, 3)
    await stopAll()

    await putBack()
    const warnings: Record<string, any>[] = []
    const second = await start(warnings)
    const newEpoch = second.ctx.eventLog.epoch
    expect(newEpoch).not.toBe(epoch)
    const reason = kind === 'sqlite' ? 'database-replaced' : 'tables-recreated'
    expect(warnings).toEqual([expect.objectContaining({ reason, epoch: newEpoch })])
    await postEvents(second, channelId, 5)
    const ws = await resumeOverWebSocket(second, { epoch, seq: 13 })
    expect(ws.frames.map((f) => f.type)).toEqual(['reset', 'subscribed'])
    expect(ws.frames[0]).toMatchObject({ reason: 'epoch-changed', position: { epoch: newEpoch, seq: 15 } })
  })

  it('checks the event id of a resumed position: a different event there answers reset, the right one resumes exactly', async () => {
    database = await createTestDatabase(kind)
    const server = await start()
    const { channelId } = await seedOnSet(server)
    const events = await postEvents(server, channelId, 15)
    const epoch = server.ctx.eventLog.epoch
    const at13 = events[12]!

    const wrong = await resumeOverWebSocket(server, { epoch, seq: 13, id: '01JBOGUSEVENTIDFROMELSEWHE' })
    expect(wrong.frames).toEqual([
      { type: 'reset', channel: 'on-set', reason: 'history-changed', position: { epoch, seq: 15 } },
      { type: 'subscribed', channel: 'on-set', position: { epoch, seq: 15 } },
    ])
    const right = await resumeOverWebSocket(server, { epoch, seq: 13, id: at13.id })
    expect(right.frames.map((f) => f.type)).toEqual(['event', 'event', 'subscribed'])
    expect(right.frames.slice(0, 2).map((f) => [f.seq, f.event.id])).toEqual(
      events.slice(13).map((e) => [e.seq, e.id]),
    )
    expect(right.subscribed.position).toEqual({ epoch, seq: 15, id: events[14]!.id })

    const sseWrong = await resumeOverSse(server, `${epoch}:13:01JBOGUSEVENTIDFROMELSEWHE`)
    expect(sseWrong.map((m) => m.event)).toEqual(['reset', 'subscribed'])
    expect(JSON.parse(sseWrong[0]!.data!)).toMatchObject({ reason: 'history-changed' })
    const sseRight = await resumeOverSse(server, `${epoch}:13:${at13.id}`)
    expect(sseRight.map((m) => m.id)).toEqual([
      `${epoch}:14:${events[13]!.id}`,
      `${epoch}:15:${events[14]!.id}`,
      `${epoch}:15:${events[14]!.id}`,
    ])
    // The epoch itself stays: a client's claim never changes it for everyone.
    expect(server.ctx.eventLog.epoch).toBe(epoch)
  })
})

/** Cluster mode: several nodes start against one restored PostgreSQL database (SQLite's --workers: test/cluster/workers-restore.test.ts). */
describe.each(testDatabases.filter((kind) => kind === 'postgres'))('several nodes on %s', (kind) => {
  let database: TestDatabase
  const servers: TestServer[] = []

  const start = async (warnings?: Record<string, any>[]) => {
    const overrides = warnings ? { logger: captureWarnings(warnings) } : {}
    const server = await startTestServer(kind, { database, overrides })
    servers.push(server)
    return server
  }
  const stopAll = async () => {
    for (const server of servers.splice(0)) await server.close()
  }

  afterEach(async () => {
    await stopAll()
    await database.drop()
  })

  it('nodes starting together on a restored database change the epoch once and all serve the new one', async () => {
    database = await createTestDatabase(kind)
    const first = await start()
    const { channelId } = await seedOnSet(first)
    await postEvents(first, channelId, 2)
    const epoch = first.ctx.eventLog.epoch
    const putBack = await copyNow(database)
    await postEvents(first, channelId, 2)
    await stopAll()

    await putBack()
    const warnings: Record<string, any>[] = []
    const [a, b, c] = await Promise.all([start(warnings), start(warnings), start(warnings)])
    const epochs = new Set([a, b, c].map((node) => node!.ctx.eventLog.epoch))
    expect(epochs.size).toBe(1)
    expect(epochs.has(epoch)).toBe(false)
    expect(warnings).toHaveLength(1)
  })
})

describe.each(testDatabases.filter((kind) => kind === 'postgres'))(
  'backup and restore commands on %s',
  (kind) => {
    let database: TestDatabase
    let server: TestServer | undefined

    afterEach(async () => {
      await server?.close()
      await database.drop()
    })

    it('print pg_dump and pg_restore commands that work, and the restore changes the epoch', async () => {
      database = await createTestDatabase(kind)
      server = await startTestServer(kind, { database })
      const { channelId } = await seedOnSet(server)
      await postEvents(server, channelId, 10)
      const epoch = server.ctx.eventLog.epoch
      const dump = path.join(database.dataDir, 'week-10.dump')

      const backup = await backlotCli(database, ['backup', '--output', dump])
      expect(backup.code).toBe(0)
      const pgDump = commandLine(backup.stdout, 'pg_dump')
      expect(pgDump).toBe(
        `pg_dump --format=custom --schema='${database.config.schema}' --file='${dump}' '${database.config.location}'`,
      )
      await run('sh', ['-c', pgDump])
      await postEvents(server, channelId, 3)
      await server.close()

      const restore = await backlotCli(database, ['restore', dump])
      expect(restore.code).toBe(0)
      expect(restore.stdout).toContain('changes\nthe stream epoch by itself')
      await run('sh', ['-c', commandLine(restore.stdout, 'pg_restore')])

      server = await startTestServer(kind, { database })
      const newEpoch = server.ctx.eventLog.epoch
      expect(newEpoch).not.toBe(epoch)
      expect((await postEvents(server, channelId, 1))[0]!.seq).toBe(11)
      const sse = await resumeOverSse(server, `${epoch}:13`)
      expect(sse.map((m) => m.event)).toEqual(['reset', 'subscribed'])
      expect(JSON.parse(sse[0]!.data!)).toMatchObject({
        reason: 'epoch-changed',
        position: { epoch: newEpoch },
      })
    })
  },
)

/**
 * Takes a copy of the database as it is now, the way an operator would by hand; `putBack()` then
 * restores it by hand with the server stopped.
 */
async function copyNow(database: TestDatabase): Promise<() => Promise<void>> {
  const dir = fs.mkdtempSync(path.join(database.dataDir, 'copy-'))
  if (database.config.kind === 'sqlite') {
    // The sqlite3 shell's online backup, as an operator would copy a running server's database (a
    // plain cp of the file would miss what its WAL holds); put back with cp, -wal/-shm deleted.
    const file = path.join(dir, 'backlot.db')
    const live = database.config.location
    await run('sqlite3', [live, `.backup '${file}'`])
    return async () => {
      fs.copyFileSync(file, live)
      for (const suffix of ['-wal', '-shm']) fs.rmSync(live + suffix, { force: true })
    }
  }
  // pg_dump -n <schema> | psql, after dropping the schema: the tables come back with new oids.
  const file = path.join(dir, 'dump.sql')
  const { location, schema } = database.config
  await run('pg_dump', ['--schema', schema, '--file', file, location])
  return async () => {
    await run('psql', ['--quiet', '--command', `drop schema "${schema}" cascade`, location])
    await run('psql', ['--quiet', '--single-transaction', '--file', file, location])
  }
}

/** The indented command line starting with `tool` in a command's output. */
function commandLine(stdout: string, tool: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith(`  ${tool} `))
  if (!line) throw new Error(`no ${tool} line in:\n${stdout}`)
  return line.trim()
}

/** A logger that keeps the warnings (and worse) it is given, parsed. */
function captureWarnings(lines: Record<string, any>[]) {
  return pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
}
