import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runPost } from '../../src/cli/post.js'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip } from '../_util/videos.js'
import { albumServerEnv, seedAlbumWorld } from './albums.fixture.js'

/** `backlot post --captions N:LANG:FILE` (issue 20): a clip posted from a terminal with its captions. */
describe.each(testDatabases)('backlot post --captions on %s', (kind) => {
  let server: TestServer
  let w: Awaited<ReturnType<typeof seedAlbumWorld>>
  let dir: string

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: { ...albumServerEnv, BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0' },
    })
    w = await seedAlbumWorld(server)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-cli-captions-'))
  })
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true })
    await server?.destroy()
  })

  /** The command in-process (spawning costs seconds): its exit code and what it printed. */
  async function post(args: string[]) {
    const printed: string[] = []
    const out: string[] = []
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => printed.push(line))
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => out.push(line))
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const code = await runPost([...args, '--server', server.url, '--token', w.accounts.creator.token])
      return { code, stderr: printed.join('\n'), stdout: out.join('\n') }
    } finally {
      error.mockRestore()
      log.mockRestore()
      write.mockRestore()
    }
  }

  it('attaches the caption track before posting, and refuses an invalid one naming the file', async () => {
    const clip = path.join(dir, 'take.mp4')
    fs.writeFileSync(clip, await plainClip(2, 96, 64))
    const good = path.join(dir, 'take.fr.vtt')
    fs.writeFileSync(good, 'WEBVTT\n\n00:00.000 --> 00:01.000\nMoteur !\n')
    const bad = path.join(dir, 'bad.vtt')
    fs.writeFileSync(bad, 'WEBVTT\n\n00:00.000 --> 00:01.000\n<script>x</script>\n')

    const refused = await post(['--channel', 'set-diary', '--alt', 'Take', '--captions', `1:en:${bad}`, clip])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      new RegExp(`backlot: ${bad}: Not a valid WebVTT caption file: line 4: <script>`),
    )
    const typo = await post(['--channel', 'set-diary', '--captions', `2:en:${good}`, clip])
    expect(typo).toMatchObject({ code: 1 })
    expect(typo.stderr).toMatch(/--captions 2:en:.*N from 1 to 1/)

    const done = await post(['--channel', 'set-diary', '--alt', 'Take', '--captions', `1:fr:${good}`, clip])
    expect(done.code, done.stderr).toBe(0)
    const postId = done.stdout.trim().split('/').at(-1)!
    const res = await fetch(`${server.url}/api/v1/channels/set-diary/posts/${postId}`, {
      headers: { authorization: `Bearer ${w.accounts.creator.token}` },
    })
    const view = (await res.json()) as { media: { captions: { lang: string; label: string }[] }[] }
    expect(view.media[0]!.captions).toEqual([expect.objectContaining({ lang: 'fr', label: 'Français' })])
  })
})
