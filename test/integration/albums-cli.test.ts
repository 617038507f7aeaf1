import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runPost } from '../../src/cli/post.js'
import { testDatabases } from '../_util/db.js'
import { htmlFile, noisyJpeg } from '../_util/images.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { albumServerEnv, albumTables, seedAlbumWorld } from './albums.fixture.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

/** `backlot post` run as a creator would from a terminal, against a running server. */
describe.each(testDatabases)('backlot post on %s', (kind) => {
  let server: TestServer
  let w: Awaited<ReturnType<typeof seedAlbumWorld>>
  let dir: string

  beforeAll(async () => {
    // Uploads answer 202 at once and finish in the background, as big photos do on a busy server:
    // the CLI must wait for each to be ready before it posts the album.
    server = await startTestServer(kind, {
      env: { ...albumServerEnv, BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0' },
    })
    w = await seedAlbumWorld(server)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-cli-'))
  })
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true })
    await server.destroy()
  })

  /** Runs the CLI with the token in BACKLOT_TOKEN and the server in BACKLOT_URL (stderr is a pipe). */
  async function backlotPost(args: string[]) {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? root,
      BACKLOT_TOKEN: w.accounts.creator.token,
      BACKLOT_URL: server.url,
    }
    return run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'post', ...args], {
      cwd: root,
      env,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    )
  }

  async function writeImage(name: string, width: number, height: number): Promise<string> {
    const file = path.join(dir, name)
    fs.writeFileSync(file, await noisyJpeg(width, height))
    return file
  }

  it('uploads three files with progress, publishes them as one album and prints its URL', async () => {
    const files = [
      await writeImage('crane.jpg', 90, 60),
      await writeImage('wardrobe.jpg', 40, 80),
      await writeImage('slate.jpg', 64, 64),
    ]
    const result = await backlotPost([
      '--channel',
      'set-diary',
      '--text',
      'Week 14 from the set',
      '--spoiler',
      'Chapter 8',
      '--alt',
      'The crane at dusk',
      '--alt',
      'Costume fitting',
      ...files,
    ])
    expect(result.code, result.stderr).toBe(0)
    const match = /^(http:\/\/\S+)\/c\/set-diary\/p\/([0-9A-Z]{26})\n$/.exec(result.stdout)
    expect(match?.[1]).toBe(server.url)
    // Not a terminal: one progress line per file, naming it.
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(3)
    for (const [i, name] of ['crane.jpg', 'wardrobe.jpg', 'slate.jpg'].entries()) {
      expect(lines[i]).toContain(`[${i + 1}/3] ${name}`)
      expect(lines[i]).toMatch(/sent\s+ready$/)
    }

    const post = (await w.fan.get(`/api/v1/channels/set-diary/posts/${match![2]}`)).body
    expect(post).toMatchObject({ kind: 'album', text: 'Week 14 from the set', spoilerLabel: 'Chapter 8' })
    expect(post.media.map((m: any) => [m.width, m.height, m.alt])).toEqual([
      [90, 60, 'The crane at dusk'],
      [40, 80, 'Costume fitting'],
      [64, 64, ''],
    ])
  })

  it('names the file and the server’s reason when one is refused, and posts nothing', async () => {
    const good = await writeImage('good.jpg', 30, 30)
    const bad = path.join(dir, 'notes.jpg')
    fs.writeFileSync(bad, htmlFile)
    const before = await albumTables(server)
    const result = await backlotPost(['--channel', 'set-diary', good, bad])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`backlot: ${bad}: `)
    expect(result.stderr).toContain('is not a JPEG, PNG')
    const after = await albumTables(server)
    expect(after.posts).toEqual(before.posts)
    expect(after.events).toEqual(before.events)
  })

  /** The same command in-process (spawning costs seconds): its exit code and what it printed. */
  async function runInProcess(args: string[]) {
    const printed: string[] = []
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => printed.push(line))
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const code = await runPost([...args, '--server', server.url, '--token', w.accounts.creator.token])
      return { code, stderr: printed.join('\n') }
    } finally {
      error.mockRestore()
      write.mockRestore()
    }
  }

  it('names a missing file before uploading anything, and reports a refused post', async () => {
    const good = await writeImage('first.jpg', 30, 30)
    const before = await albumTables(server)
    const missing = await runInProcess(['--channel', 'set-diary', good, path.join(dir, 'typo.jpg')])
    expect(missing).toEqual({ code: 1, stderr: `backlot: ${path.join(dir, 'typo.jpg')}: no such file` })
    expect(await albumTables(server)).toEqual(before)

    const refused = await runInProcess(['--channel', 'no-such-channel', good])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^backlot: post: .*no-such-channel/)
  })
})
