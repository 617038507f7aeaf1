import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runPost } from '../../src/cli/post.js'
import { backlotArgs } from '../_util/backlot-command.js'
import { testDatabases } from '../_util/db.js'
import { htmlFile, noisyJpeg } from '../_util/images.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { phoneClip } from '../_util/videos.js'
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
      BACKLOT_UPLOAD_STATE: path.join(dir, 'uploads.json'),
    }
    return run(process.execPath, backlotArgs('post', ...args), {
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
    // A warning for the file without alt text, then (not a terminal) one progress line per file.
    const [warning, ...lines] = result.stderr.trim().split('\n')
    expect(warning).toBe(
      'backlot: warning: slate.jpg (file 3) has no alt text (--alt): people using screen readers will not know what it shows',
    )
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

  it('names a missing file before uploading anything, and reports a refused post', async () => {
    const good = await writeImage('first.jpg', 30, 30)
    const before = await albumTables(server)
    const missing = await runInProcess(['--channel', 'set-diary', good, path.join(dir, 'typo.jpg')])
    expect(missing).toEqual({
      code: 1,
      stderr: `backlot: ${path.join(dir, 'typo.jpg')}: no such file`,
      stdout: '',
    })
    expect(await albumTables(server)).toEqual(before)

    const refused = await runInProcess(['--channel', 'no-such-channel', '--alt', 'Slate', good])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^backlot: post: .*no-such-channel/)
  })

  /** The id in the URL `backlot post` printed. */
  function postId(stdout: string): string {
    const match = /\/c\/set-diary\/p\/([0-9A-Z]{26})$/.exec(stdout)
    expect(match, stdout).not.toBeNull()
    return match![1]!
  }

  it('schedules an album with production tags, credit, rights and a labelled spoiler image per file', async () => {
    const production = { kind: 'series', title: 'The Show', chapters: Array(8).fill({}), filmingWeeks: 14 }
    expect((await w.owner.put('/api/v1/channels/set-diary/production', production)).status).toBe(200)
    const files = [
      await writeImage('a.jpg', 30, 20),
      await writeImage('b.jpg', 20, 30),
      await writeImage('c.jpg', 25, 25),
    ]
    const publishAt = new Date(Date.now() + 3_600_000).toISOString()
    const result = await runInProcess([
      '--channel',
      'set-diary',
      '--text',
      'Weeks 11–14',
      '--weeks',
      '11-14',
      '--chapter',
      '8',
      '--location',
      'Stage 4',
      '--unit',
      'Second unit',
      '--alt',
      'Dolly track',
      '--alt',
      'Wardrobe',
      '--alt',
      'The finale set',
      '--credit',
      'Jo Stills',
      '--credit',
      '',
      '--credit',
      'Sam Unit',
      '--rights',
      'Editorial use only, no resale',
      '--spoiler-image',
      '3:Chapter 8 finale',
      '--spoiler-image',
      '2',
      '--publish-at',
      publishAt,
      ...files,
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe(`backlot: scheduled: nobody sees it before ${publishAt}`)
    const id = postId(result.stdout)
    const post = (await w.creator.get(`/api/v1/channels/set-diary/posts/${id}`)).body
    expect(post).toMatchObject({
      status: 'scheduled',
      publishAt,
      production: { weeks: { from: 11, to: 14 }, chapters: [8], location: 'Stage 4', unit: 'Second unit' },
    })
    expect(post.media.map((m: any) => [m.alt, m.credit, m.rights, m.spoiler, m.spoilerLabel])).toEqual([
      ['Dolly track', 'Jo Stills', 'Editorial use only, no resale', false, null],
      ['Wardrobe', null, null, true, null],
      ['The finale set', 'Sam Unit', null, true, 'Chapter 8 finale'],
    ])
    // Embargoed: fans do not see it, not even untagged for a moment.
    expect((await w.fan.get(`/api/v1/channels/set-diary/posts/${id}`)).status).toBe(404)
  })

  it('saves a tagged draft with --draft', async () => {
    const file = await writeImage('draft.jpg', 22, 33)
    const result = await runInProcess([
      '--channel',
      'set-diary',
      '--draft',
      '--week',
      '3',
      '--alt',
      'Slate',
      file,
    ])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('backlot: saved as a draft: nobody sees it until it is published')
    const post = (await w.creator.get(`/api/v1/channels/set-diary/posts/${postId(result.stdout)}`)).body
    expect(post).toMatchObject({ status: 'draft', production: { weeks: { from: 3, to: 3 } } })
  })

  it('refuses with --strict before uploading anything when a file has no alt text', async () => {
    const files = [
      await writeImage('s1.jpg', 21, 21),
      await writeImage('s2.jpg', 23, 21),
      await writeImage('s3.jpg', 24, 21),
    ]
    const before = await albumTables(server)
    const result = await runInProcess([
      '--channel',
      'set-diary',
      '--strict',
      '--alt',
      'Crane',
      '--alt',
      ' ',
      ...files,
    ])
    expect(result).toEqual({
      code: 1,
      stderr: 'backlot: --strict: no alt text for s2.jpg (file 2), s3.jpg (file 3); give one --alt per file',
      stdout: '',
    })
    expect(await albumTables(server)).toEqual(before)
    // With an alt for every file, --strict publishes without a word on stderr but the progress.
    const ok = await runInProcess([
      '--channel',
      'set-diary',
      '--strict',
      '--alt',
      'A',
      '--alt',
      'B',
      '--alt',
      'C',
      ...files,
    ])
    expect(ok).toMatchObject({ code: 0, stderr: '' })
  })

  it('refuses options it cannot honour before uploading anything', async () => {
    const file = await writeImage('opt.jpg', 26, 21)
    const before = await albumTables(server)
    const cases: [string[], string][] = [
      [['--draft', '--publish-at', '2030-01-01T09:00:00Z'], 'give --draft or --publish-at, not both'],
      [
        ['--publish-at', '2030-01-01T09:00'],
        '--publish-at 2030-01-01T09:00: write an ISO time with its zone',
      ],
      [['--spoiler-image', '2:Finale'], '--spoiler-image 2:Finale: give a file number from 1 to 1'],
      [['--weeks', '11'], '--weeks 11: write a range such as 11-14'],
      [['--week', '2', '--weeks', '3-4'], 'give --week N or --weeks N-M, not both'],
      [['--chapter', 'eight'], '--chapter eight: expected a number from 1'],
      [['--credit', 'A', '--credit', 'B'], '2 --credit for 1 files'],
    ]
    for (const [args, message] of cases) {
      const result = await runInProcess(['--channel', 'set-diary', '--alt', 'x', ...args, file])
      expect(result.code, args.join(' ')).toBe(1)
      expect(result.stderr).toContain(`backlot: ${message}`)
    }
    // A tag the channel's production does not have is the server's refusal, before anything is public.
    const refused = await runInProcess(['--channel', 'set-diary', '--alt', 'x', '--chapter', '9', file])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^backlot: post: .*chapter/i)
    const after = await albumTables(server)
    expect(after.posts).toEqual(before.posts)
    expect(after.events).toEqual(before.events)
  })
  it('posts a clip and a photo, waiting while the clip is transcoded (issue 20)', async () => {
    const clip = path.join(dir, 'take3.mov')
    fs.writeFileSync(clip, await phoneClip({ seconds: 1 }))
    const photo = await writeImage('rig.jpg', 48, 32)
    const result = await backlotPost([
      '--channel',
      'set-diary',
      '--alt',
      'Take 3',
      '--alt',
      'The rig',
      clip,
      photo,
    ])
    expect(result.code, result.stderr).toBe(0)
    const id = /\/p\/([0-9A-Z]{26})\n$/.exec(result.stdout)?.[1]
    const post = await w.creator.get(`/api/v1/channels/set-diary/posts/${id}`)
    expect(post.body.media.map((m: any) => [m.kind, m.alt])).toEqual([
      ['video', 'Take 3'],
      ['image', 'The rig'],
    ])
    expect(post.body.media[0].variants.some((v: any) => v.format === 'mp4')).toBe(true)
  })
})
