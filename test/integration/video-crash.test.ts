import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type DbKind, testDatabases } from '../_util/db.js'
import { createClusterDatabase, setupCreator, startNodeProcess, waitUntil } from '../_util/node-process.js'
import { plainClip, uploadAv } from '../_util/videos.js'

/** Backlot's own temporary entries under BACKLOT_DATA_DIR/tmp (src/media/work-sweep.ts). */
const ownTemporaryEntries = (dataDir: string) =>
  fs.existsSync(path.join(dataDir, 'tmp'))
    ? fs.readdirSync(path.join(dataDir, 'tmp')).filter((n) => /^(upload-|av-)/.test(n))
    : []

/**
 * Issue 20: a server killed with SIGKILL in the middle of a transcode leaves its temporary files and
 * a `processing` row behind. Restarted on the same data, it deletes the files and fails the row
 * with `processing-interrupted` once the lease ran out — never `processing` forever — and leaves
 * files that are not its own alone.
 */
describe.each(testDatabases)('killing the server mid-transcode on %s', (kind: DbKind) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-av-kill-'))
  let cluster: Awaited<ReturnType<typeof createClusterDatabase>> | undefined

  afterAll(async () => {
    await cluster?.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('sweeps the leftovers and fails the interrupted video with a reason after a restart', async () => {
    const env: Record<string, string> = {
      BACKLOT_DATA_DIR: dataDir,
      BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0',
      BACKLOT_MEDIA_WORK_LEASE_SECONDS: '3',
    }
    if (kind === 'postgres') {
      cluster = await createClusterDatabase('avkill')
      Object.assign(env, cluster.env)
    }
    const first = await startNodeProcess({ env })
    const token = await setupCreator(first.url, 'killeditor', 'kill-cut')
    const res = await uploadAv(first.url, token, await plainClip(20, 640, 360))
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const id = res.body.id as string
    const media = async (url: string) =>
      (await (
        await fetch(`${url}/api/v1/media/${id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        status: string
        error: string | null
        progress: number | null
      }
    // Mid-transcode: FFmpeg has reported progress, its work folder and the upload are in tmp/.
    await waitUntil(async () => ((await media(first.url)).progress ?? 0) > 0, 'transcoding under way', 60_000)
    expect(ownTemporaryEntries(dataDir).length).toBeGreaterThan(0)
    await first.kill()

    const leftovers = ownTemporaryEntries(dataDir)
    expect(leftovers.length).toBeGreaterThan(0)
    // Not Backlot's: must survive the sweep.
    const foreign = path.join(dataDir, 'tmp', 'not-backlots.bin')
    fs.writeFileSync(foreign, 'keep me')
    fs.utimesSync(foreign, new Date(0), new Date(0))

    const second = await startNodeProcess({ env })
    try {
      await waitUntil(
        async () => (await media(second.url)).status !== 'processing',
        'the interrupted video leaves processing',
        30_000,
      )
      const after = await media(second.url)
      expect(after).toMatchObject({ status: 'failed', error: 'processing-interrupted', progress: null })
      await waitUntil(async () => ownTemporaryEntries(dataDir).length === 0, 'tmp/ swept', 30_000)
      expect(fs.existsSync(foreign)).toBe(true)
    } finally {
      await second.kill()
    }
  })
})
