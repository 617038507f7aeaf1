import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import sharp from 'sharp'
import {
  percentile,
  printTable,
  type ServerProcess,
  setupChannel,
  startServerProcess,
} from '../lib/server-process.js'

/**
 * npm run bench:media — upload 12-megapixel JPEGs (4000×3000, photo-like content with sensor
 * noise) to the built server running as a child process on its defaults (SQLite, media on disk,
 * BACKLOT_MEDIA_PROCESSING_CONCURRENCY=2), with 1, 2 and 4 uploads in flight; then a 10-image album
 * uploaded all at once. Measures images/s, seconds per image (every variant included: the upload
 * answers once all files are stored), CPU per image and peak server RSS. Prints a table and writes
 * bench/results/media.json. The server runs with BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS raised (every
 * upload answers 201 once processed, never 202) and the per-account upload limit lifted.
 *
 * Usage: npm run bench:media [-- UPLOADS_PER_LEVEL]   (default 8)
 */
const WIDTH = 4000
const HEIGHT = 3000
const PER_LEVEL = Number(process.argv[2]) || 8
const LEVELS = [1, 2, 4]
const ALBUM = 10
const MB = 1024 * 1024

/** A smooth "scene" (gradients and soft shapes) shared by all images; each adds its own noise. */
function baseScene(): Buffer {
  const scene = Buffer.alloc(WIDTH * HEIGHT * 3)
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3
      const blob = 60 * Math.sin(x / 170) * Math.cos(y / 230)
      scene[i] = clamp(90 + (x / WIDTH) * 110 + blob)
      scene[i + 1] = clamp(70 + (y / HEIGHT) * 90 - blob / 2)
      scene[i + 2] = clamp(60 + ((x + y) / (WIDTH + HEIGHT)) * 120 + blob / 3)
    }
  }
  return scene
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v | 0
}

/** One distinct photo: the scene plus per-image sensor noise, so no two uploads share stored files. */
async function photo(scene: Buffer, seed: number): Promise<Buffer> {
  const pixels = Buffer.from(scene)
  let s = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < pixels.length; i++) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    pixels[i] = clamp(pixels[i]! + ((s >>> 0) % 25) - 12)
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer()
}

async function upload(url: string, token: string, bytes: Buffer): Promise<number> {
  const form = new FormData()
  form.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'IMG.jpg')
  const started = performance.now()
  const res = await fetch(`${url}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  const body = (await res.json()) as { status?: string; detail?: string }
  if (res.status !== 201 || body.status !== 'ready') {
    throw new Error(`upload failed: ${res.status} ${JSON.stringify(body).slice(0, 200)}`)
  }
  return (performance.now() - started) / 1000
}

/** Uploads every image with `concurrency` in flight; returns wall time, latencies, peak RSS, CPU. */
async function phase(server: ServerProcess, token: string, images: Buffer[], concurrency: number) {
  let peak = server.rss()
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rss())
  }, 20)
  const cpuBefore = server.cpuSeconds()
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: Math.min(concurrency, images.length) }, async () => {
      while (next < images.length) {
        const image = images[next++]!
        latencies.push(await upload(server.url, token, image))
      }
    }),
  )
  const wall = (performance.now() - started) / 1000
  clearInterval(sampler)
  peak = Math.max(peak, server.rss())
  return { wall, latencies, peakRss: peak, cpu: server.cpuSeconds() - cpuBefore }
}

const loadAtStart = os.loadavg()
console.error('bench:media: generating images…')
const scene = baseScene()
let seed = 1
const batch = async (n: number) => {
  const out: Buffer[] = []
  for (let i = 0; i < n; i++) out.push(await photo(scene, seed++))
  return out
}
const sample = await batch(1)
const imageBytes = sample[0]!.length

// BACKLOT_MEDIA_UPLOADS_PER_ACCOUNT raised: the album phase sends ten uploads from one account at once.
const server = await startServerProcess({
  BACKLOT_MEDIA_UPLOAD_LIMIT: '10000',
  BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '300',
  BACKLOT_MEDIA_UPLOADS_PER_ACCOUNT: '16',
})
try {
  const token = await setupChannel(server.url, 'bench-media')
  await upload(server.url, token, sample[0]!) // warm-up: loads libvips, first allocations
  const idleRss = server.rss()
  const runs = []
  for (const concurrency of LEVELS) {
    const images = await batch(PER_LEVEL)
    console.error(`bench:media: ${PER_LEVEL} uploads, ${concurrency} at a time…`)
    const r = await phase(server, token, images, concurrency)
    runs.push({
      concurrentUploads: concurrency,
      uploads: PER_LEVEL,
      imagesPerSecond: PER_LEVEL / r.wall,
      secondsPerImage: r.wall / PER_LEVEL,
      latencyP50Seconds: percentile(r.latencies, 50),
      latencyMaxSeconds: Math.max(...r.latencies),
      cpuSecondsPerImage: r.cpu / PER_LEVEL,
      peakRssMB: r.peakRss / MB,
    })
  }
  const albumImages = await batch(ALBUM)
  console.error(`bench:media: a ${ALBUM}-image album uploaded all at once…`)
  const albumRun = await phase(server, token, albumImages, ALBUM)
  const album = {
    images: ALBUM,
    totalSeconds: albumRun.wall,
    peakRssMB: albumRun.peakRss / MB,
    cpuSecondsPerImage: albumRun.cpu / ALBUM,
    targetSeconds: 10,
    targetRssMB: 1024,
    meetsTarget: albumRun.wall < 10 && albumRun.peakRss < 1024 * MB,
  }

  printTable(
    runs.map((r) => ({
      'in flight': r.concurrentUploads,
      uploads: r.uploads,
      'images/s': r.imagesPerSecond,
      's/image': r.secondsPerImage,
      'p50 latency s': r.latencyP50Seconds,
      'max latency s': r.latencyMaxSeconds,
      'cpu s/image': r.cpuSecondsPerImage,
      'peak RSS MB': r.peakRssMB,
    })),
  )
  console.log()
  printTable([
    {
      album: `${ALBUM} × 12 MP`,
      'total s': album.totalSeconds,
      'peak RSS MB': album.peakRssMB,
      'cpu s/image': album.cpuSecondsPerImage,
      'target (<10 s, <1 GB)': album.meetsTarget ? 'met' : 'MISSED',
    },
  ])

  const out = path.resolve(import.meta.dirname, '../results/media.json')
  fs.mkdirSync(path.dirname(out), { recursive: true })
  const result = {
    benchmark: 'media',
    date: new Date().toISOString(),
    machine: {
      cpus: os.availableParallelism(),
      node: process.version,
      libvips: sharp.versions.vips,
      // Other work on the machine skews every figure: recorded so a reader can tell.
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    server: { processingConcurrency: 2, idleRssMB: idleRss / MB },
    image: { width: WIDTH, height: HEIGHT, megapixels: (WIDTH * HEIGHT) / 1e6, jpegBytes: imageBytes },
    runs,
    album,
  }
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.error(`wrote ${out}`)
} finally {
  await server.stop()
}
