import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../_util/db.js'
import { freePort, startNodeProcess } from '../_util/node-process.js'
import { startTestServer } from '../_util/server.js'
import { StreamClient } from '../_util/stream.js'
import { postEvents, seedOnSet } from '../integration/backup.fixture.js'

const run = promisify(execFile)

/** Open sockets of a process, from /proc (Linux): tells which worker holds the streams. */
function socketCount(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')
    } catch {
      return false
    }
  }).length
}

/**
 * Issue 14, item 2: `serve --workers 2` on a SQLite database put back by hand. The primary checks
 * the database once before forking, so the epoch changes once and both workers serve the new one
 * (workers checking for themselves could each rotate it, or disagree).
 */
describe('serve --workers 2 on a restored SQLite database', () => {
  it('changes the epoch once, in the primary, and every worker resets old positions into the same new epoch', async () => {
    const database = await createTestDatabase('sqlite')
    const live = database.config.location
    try {
      const server = await startTestServer('sqlite', { database })
      const { channelId } = await seedOnSet(server)
      await postEvents(server, channelId, 3)
      const epoch = server.ctx.eventLog.epoch
      const older = path.join(database.dataDir, 'older.db')
      await run('sqlite3', [live, `.backup '${older}'`])
      await postEvents(server, channelId, 2)
      await server.close()
      fs.copyFileSync(older, live)
      for (const suffix of ['-wal', '-shm']) fs.rmSync(live + suffix, { force: true })

      const node = await startNodeProcess({
        args: ['--workers', '2'],
        port: await freePort(),
        env: { BACKLOT_DATABASE_URL: `sqlite:${live}` },
      })
      try {
        const warnings = node.logs.filter((line) => line.area === 'backup')
        expect(warnings).toEqual([expect.objectContaining({ level: 40, reason: 'database-replaced' })])
        const newEpoch = warnings[0]!.epoch
        expect(newEpoch).not.toBe(epoch)

        const workerPids = node.logs.filter((l) => l.msg === 'worker listening').map((l) => Number(l.pid))
        const before = workerPids.map(socketCount)
        const clients = await Promise.all(Array.from({ length: 4 }, () => StreamClient.open(node.url)))
        const acks = await Promise.all(clients.map((c) => c.subscribeAndWait('on-set', { epoch, seq: 5 })))
        // The primary spreads connections over both workers: each answered some of them.
        expect(workerPids).toHaveLength(2)
        expect(workerPids.map((pid, i) => socketCount(pid) > before[i]!)).toEqual([true, true])
        for (const [i, client] of clients.entries()) {
          expect(client.frames.find((f) => f.type === 'reset')).toMatchObject({ reason: 'epoch-changed' })
          expect(acks[i]!.position).toEqual({ epoch: newEpoch, seq: 3 })
        }
        await Promise.all(clients.map((c) => c.close()))
      } finally {
        expect(await node.stop()).toBe(0)
      }
    } finally {
      await database.drop()
    }
  })
})
