import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { phoneClip, plainClip, plantedBytesFound, probeFile } from '../../test/_util/videos.js'
import { printTable, type ServerProcess, setupChannel, startServerProcess } from '../lib/server-process.js'

/**
 * npm run bench:video — a 60-second 1080p phone clip (generated here by FFmpeg: test pattern and
 * a tone, GPS in `©xyz` and in an XMP `uuid` box, turned 90° like a phone held upright) uploaded to
 * the built server on its defaults (SQLite, media on disk, BACKLOT_MEDIA_PROCESSING_CONCURRENCY=2),
 * answered 202 at once and polled until ready, then posted: time to published. Then CLIPS 10-second
 * 720p clips uploaded all at once: throughput. Samples the peak RSS of the server and of the FFmpeg
 * processes it runs (separate processes, each capped by prlimit). Every stored file of every upload
 * is fetched back and checked by FFprobe and a byte search: no planted metadata may survive.
 * Prints a table and writes bench/results/video.json.
 *
 * Usage: npm run bench:video [-- CLIPS]   (default 3)
 */
const CLIPS = Number(process.argv[2]) || 3
const MB = 1024 * 1024

/** RSS of the FFmpeg/FFprobe processes that are children of `pid` (from /proc), in bytes. */
function toolsRss(pid: number): number {
  let total = 0
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const isChild = Number(fields[1]) === pid
      if (!isChild || !/ff(mpeg|probe)|prlimit/.test(stat)) continue
      total += Number(fields[21]) * 4096
    } catch {
      // The process ended meanwhile.
    }
  }
  return total
}

async function upload(server: ServerProcess, token: string, bytes: Buffer, name: string) {
  const form = new FormData()
  form.append('file', new Blob([bytes], { type: 'video/mp4' }), name)
  const res = await fetch(`${server.url}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  const body = (await res.json()) as { id: string; status: string }
  if (res.status !== 202 && res.status !== 201)
    throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`)
  return body
}

async function untilReady(server: ServerProcess, token: string, id: string) {
  for (;;) {
    const res = await fetch(`${server.url}/api/v1/media/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const media = (await res.json()) as {
      status: string
      error: string | null
      variants: { url: string; format: string }[]
      durationMs: number
    }
    if (media.status === 'ready') return media
    if (media.status === 'failed') throw new Error(`processing failed: ${media.error}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** Peak RSS of server and tools while `work` runs. */
async function sampled<T>(server: ServerProcess, work: () => Promise<T>) {
  let server0 = server.rss()
  let tools = 0
  let both = 0
  const timer = setInterval(() => {
    const s = server.rss()
    const t = toolsRss(server.child.pid!)
    server0 = Math.max(server0, s)
    tools = Math.max(tools, t)
    both = Math.max(both, s + t)
  }, 100)
  try {
    const value = await work()
    return { value, peakServerRss: server0, peakToolsRss: tools, peakTotalRss: both }
  } finally {
    clearInterval(timer)
  }
}

const loadAtStart = os.loadavg()
console.error('bench:video: generating a 60 s 1080p phone clip…')
const started = performance.now()
const phone = await phoneClip({ seconds: 60, width: 1920, height: 1080 })
console.error(
  `bench:video: generated ${(phone.length / MB).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
)
const clips: Buffer[] = []
for (let i = 0; i < CLIPS; i++) clips.push(await plainClip(10, 1280, 720))

const server = await startServerProcess({
  BACKLOT_MEDIA_UPLOAD_LIMIT: '10000',
  BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0',
  BACKLOT_MEDIA_UPLOADS_PER_ACCOUNT: '16',
})
try {
  const token = await setupChannel(server.url, 'bench-video')
  const idleRss = server.rss()

  console.error('bench:video: the phone clip, upload → ready → published…')
  const one = await sampled(server, async () => {
    const t0 = performance.now()
    const accepted = await upload(server, token, phone, 'IMG_0001.MOV')
    const uploadedAt = performance.now()
    const ready = await untilReady(server, token, accepted.id)
    const readyAt = performance.now()
    const post = await fetch(`${server.url}/api/v1/channels/bench-video/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Stunt rehearsal', media: [{ id: accepted.id }] }),
    })
    if (post.status !== 201) throw new Error(`post: ${post.status} ${await post.text()}`)
    return {
      uploadSeconds: (uploadedAt - t0) / 1000,
      processingSeconds: (readyAt - uploadedAt) / 1000,
      publishedSeconds: (performance.now() - t0) / 1000,
      media: ready,
    }
  })

  console.error(`bench:video: ${CLIPS} 10 s 720p clips at once…`)
  const many = await sampled(server, async () => {
    const t0 = performance.now()
    const all = await Promise.all(
      clips.map(async (clip, i) => {
        const accepted = await upload(server, token, clip, `clip-${i}.mp4`)
        return untilReady(server, token, accepted.id)
      }),
    )
    return { seconds: (performance.now() - t0) / 1000, media: all }
  })

  console.error('bench:video: checking every stored file for metadata…')
  const files = [one.value.media, ...many.value.media].flatMap((m) => m.variants)
  const leaks: string[] = []
  for (const file of files) {
    const bytes = Buffer.from(
      await (await fetch(file.url, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer(),
    )
    const found = plantedBytesFound(bytes)
    if (file.format === 'mp4') {
      const probed = await probeFile(bytes)
      found.push(
        ...probed.tags.filter(
          (t) => !/^(major_brand|minor_version|compatible_brands|language|handler_name|vendor_id)=/.test(t),
        ),
      )
    }
    if (found.length > 0) leaks.push(`${file.url}: ${found.join(', ')}`)
  }

  const single = {
    clip: { seconds: 60, width: 1920, height: 1080, rotation: 90, megabytes: phone.length / MB },
    uploadSeconds: one.value.uploadSeconds,
    processingSeconds: one.value.processingSeconds,
    timeToPublishedSeconds: one.value.publishedSeconds,
    renditions: one.value.media.variants.filter((v) => v.format === 'mp4').length,
    peakServerRssMB: one.peakServerRss / MB,
    peakFfmpegRssMB: one.peakToolsRss / MB,
  }
  const concurrent = {
    clips: CLIPS,
    clipSeconds: 10,
    width: 1280,
    height: 720,
    wallSeconds: many.value.seconds,
    clipsPerMinute: (CLIPS * 60) / many.value.seconds,
    videoSecondsPerWallSecond: (CLIPS * 10) / many.value.seconds,
    peakServerRssMB: many.peakServerRss / MB,
    peakFfmpegRssMB: many.peakToolsRss / MB,
  }
  printTable([
    {
      run: '60 s 1080p phone clip',
      'upload s': single.uploadSeconds,
      'processing s': single.processingSeconds,
      'to published s': single.timeToPublishedSeconds,
      'server RSS MB': single.peakServerRssMB,
      'ffmpeg RSS MB': single.peakFfmpegRssMB,
    },
    {
      run: `${CLIPS} × 10 s 720p at once`,
      'upload s': '',
      'processing s': concurrent.wallSeconds,
      'to published s': '',
      'server RSS MB': concurrent.peakServerRssMB,
      'ffmpeg RSS MB': concurrent.peakFfmpegRssMB,
    },
  ])
  console.log(
    `\nthroughput: ${concurrent.videoSecondsPerWallSecond.toFixed(2)} s of video per second (${concurrent.clipsPerMinute.toFixed(1)} clips/min)`,
  )
  console.log(
    `metadata check: ${files.length} stored files, ${leaks.length === 0 ? 'no planted metadata found' : `LEAKS:\n${leaks.join('\n')}`}`,
  )

  const out = path.resolve(import.meta.dirname, '../results/video.json')
  fs.mkdirSync(path.dirname(out), { recursive: true })
  const ffmpegVersion = execFileSync((await import('../../src/media/video/tools.js')).toolPaths().ffmpeg, [
    '-version',
  ])
    .toString()
    .split('\n')[0]
  const result = {
    benchmark: 'video',
    date: new Date().toISOString(),
    machine: {
      cpus: os.availableParallelism(),
      node: process.version,
      ffmpeg: ffmpegVersion,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    server: { processingConcurrency: 2, idleRssMB: idleRss / MB },
    single,
    concurrent,
    metadata: { filesChecked: files.length, leaks },
  }
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.error(`wrote ${out}`)
  if (leaks.length > 0) process.exitCode = 1
} finally {
  await server.stop()
}
