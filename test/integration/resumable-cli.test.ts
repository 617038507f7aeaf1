import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backlotArgs } from '../_util/backlot-command.js'
import { testDatabases } from '../_util/db.js'
import { startDroppingProxy } from '../_util/dropping-proxy.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { phoneClip } from '../_util/videos.js'
import { type PressWorld, pressServerEnv, seedPressWorld } from './press.fixture.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

/** Issue 20 part 1: `backlot post` sends a clip as a resumable upload and survives a dropped connection. */
describe.each(testDatabases)('backlot post with a clip over tus (%s)', (kind) => {
  let server: TestServer
  let w: PressWorld
  let dir: string

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { ...pressServerEnv, BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' },
    })
    w = await seedPressWorld(server)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-tus-cli-'))
  })
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true })
    await server?.destroy()
  })

  it('resumes the clip where the dropped connection left it and posts it', async () => {
    const clip = await phoneClip()
    const file = path.join(dir, 'table-read.mov')
    fs.writeFileSync(file, clip)
    const proxy = await startDroppingProxy(Number(new URL(server.url).port), Math.floor(clip.length / 2))
    try {
      const result = await run(
        process.execPath,
        backlotArgs(
          'post',
          '--channel',
          'the-show',
          '--text',
          'Table read',
          '--alt',
          'The cast reading',
          file,
        ),
        {
          cwd: root,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: dir,
            BACKLOT_TOKEN: w.accounts.creator.token,
            BACKLOT_URL: proxy.url,
            BACKLOT_UPLOAD_STATE: path.join(dir, 'uploads.json'),
          },
        },
      ).catch((e: { code: number; stdout: string; stderr: string }) => e)
      expect(proxy.hasCut, JSON.stringify([proxy.requests, result.stderr])).toBe(true)
      expect('code' in result ? result.code : 0, result.stderr).toBe(0)
      // The progress line reached the whole file and the video was ready.
      expect(result.stderr).toContain('table-read.mov')
      expect(result.stderr).toContain('ready')
      const postId = /\/p\/([0-9A-Z]{26})\n$/.exec(result.stdout)?.[1]
      const post = await w.creator.get(`/api/v1/channels/the-show/posts/${postId}`)
      expect(post.body.media.map((m: any) => [m.kind, m.alt])).toEqual([['video', 'The cast reading']])

      // One upload, resumed: after the cut the client asked for the offset and sent the rest from it.
      const uploads = await server.ctx.db
        .selectFrom('resumable_upload')
        .selectAll()
        .where('account_id', '=', w.accounts.creator.account.id)
        .execute()
      expect(uploads.map((u) => u.status)).toEqual(['done'])
      const patches = proxy.requests.filter((r) => r.startsWith('PATCH'))
      expect(patches[0]).toBe('PATCH 0')
      expect(proxy.requests).toContain('HEAD -')
      const resumedAt = Number(patches.at(-1)!.split(' ')[1])
      expect(resumedAt).toBeGreaterThan(0)
      expect(resumedAt).toBeLessThanOrEqual(Math.floor(clip.length / 2))
      // Done: nothing left to resume in the state file.
      const state = fs.existsSync(path.join(dir, 'uploads.json'))
        ? fs.readFileSync(path.join(dir, 'uploads.json'), 'utf8')
        : '{}'
      expect(Object.keys(JSON.parse(state || '{}'))).toEqual([])
    } finally {
      await proxy.close()
    }
  })
})
