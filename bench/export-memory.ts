import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { loadConfig } from '../src/config/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrator.js'
import { exportChannelToFile } from '../src/exports/index.js'
import { createMediaStore } from '../src/media-store/create-media-store.js'
import { contentKey } from '../src/media-store/media-store.js'
import { newId } from '../src/util/ids.js'
import { sampleRss, writeResult } from './lib/results.js'
import { seedOwnedChannel } from './lib/seed.js'
import { printTable } from './lib/server-process.js'

/**
 * npm run bench:export — issue 17 point 2: "a channel with 10,000 photos must not be loaded into
 * memory". Seeds a SQLite data folder with a channel of PHOTOS small JPEG originals (each distinct,
 * ~PHOTO_KB, 20 per album post) in the disk media store, then exports it in a separate process
 * (`--export`, the same code as the export job and `backlot export`) and reports that process's
 * peak RSS, its RSS before the export began, the archive's size and the time. Prints a table and
 * writes bench/results/export-memory.json. The number to watch is the peak minus the baseline: it
 * must not grow with the channel (compare `-- 1000` with the default).
 *
 * Usage: npm run bench:export [-- PHOTOS]   (default 10000)
 */
const PHOTO_KB = 24

if (process.argv[2] === '--export') await exportChild(process.argv[3]!, process.argv[4]!)
else await main(Number(process.argv[2]) || 10_000)

async function main(photos: number): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-bench-export-'))
  try {
    const seededBytes = await seed(dataDir, photos)
    const out = path.join(dataDir, 'channel.zip')
    const stdout = execFileSync(
      process.execPath,
      [...process.execArgv, import.meta.filename, '--export', dataDir, out],
      {
        encoding: 'utf8',
        maxBuffer: 1024 * 1024,
      },
    )
    const child = JSON.parse(stdout.trim().split('\n').pop()!)
    const result = {
      photos,
      originalsMB: seededBytes / 1048576,
      archiveMB: fs.statSync(out).size / 1048576,
      items: child.items,
      seconds: child.ms / 1000,
      baselineRssMB: child.baselineRss / 1048576,
      peakRssMB: child.peakRss / 1048576,
      growthMB: (child.peakRss - child.baselineRss) / 1048576,
      node: process.version,
      at: new Date().toISOString(),
    }
    printTable([
      {
        photos,
        'originals MB': result.originalsMB,
        'archive MB': result.archiveMB,
        s: result.seconds,
        'RSS before MB': result.baselineRssMB,
        'peak RSS MB': result.peakRssMB,
        'growth MB': result.growthMB,
      },
    ])
    writeResult('export-memory', result)
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

function openStores(dataDir: string) {
  return loadConfig({ BACKLOT_DATA_DIR: dataDir, BACKLOT_LOG_LEVEL: 'silent' })
}

/** A channel with `photos` distinct JPEG originals in albums of 20; returns the bytes stored. */
async function seed(dataDir: string, photos: number): Promise<number> {
  const config = openStores(dataDir)
  const database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  const store = await createMediaStore(config)
  const db = database.db
  const now = Date.now()
  const { ownerId: owner, channelId: channel } = await seedOwnedChannel(
    db,
    { slug: 'big-show', title: 'Big show' },
    now,
  )
  // One noisy JPEG; each photo is it plus a unique trailer after the end marker (distinct bytes, distinct keys).
  const base = await sharp(
    Buffer.from(Array.from({ length: 160 * 120 * 3 }, () => (Math.random() * 256) | 0)),
    {
      raw: { width: 160, height: 120, channels: 3 },
    },
  )
    .jpeg({ quality: 95 })
    .toBuffer()
  const pad = Buffer.alloc(Math.max(0, PHOTO_KB * 1024 - base.length))
  let bytes = 0
  for (let start = 0; start < photos; start += 20) {
    const postId = newId()
    const media: { id: string; key: string; size: number }[] = []
    for (let i = start; i < Math.min(photos, start + 20); i++) {
      const file = Buffer.concat([base, pad, Buffer.from(`photo ${i}`)])
      const key = await contentKey(file, 'jpg')
      await store.put(key, file, 'image/jpeg')
      bytes += file.length
      media.push({ id: newId(), key, size: file.length })
    }
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('media')
        .values(
          media.map((m) => ({
            id: m.id,
            owner_id: owner,
            status: 'ready' as const,
            error: null,
            mime: 'image/jpeg',
            width: 160,
            height: 120,
            blurhash: null,
            alt: `Photo ${m.id}`,
            credit: 'Unit stills',
            rights: null,
            spoiler_label: null,
            bytes: m.size,
            original_key: m.key,
            variants: '[]',
            created_at: now,
            ready_at: now,
          })),
        )
        .execute()
      await tx
        .insertInto('post')
        .values({
          id: postId,
          channel_id: channel,
          author_id: owner,
          kind: 'album',
          text: `Album ${start / 20 + 1}`,
          status: 'published',
          publish_at: null,
          published_at: now,
          edited_at: null,
          deleted_at: null,
          pinned_at: null,
          spoiler_label: null,
          idempotency_key: null,
          idempotency_fingerprint: null,
          created_at: now,
          updated_at: now,
        })
        .execute()
      await tx
        .insertInto('post_media')
        .values(
          media.map((m, position) => ({
            post_id: postId,
            media_id: m.id,
            position,
            alt: '',
            credit: null,
            rights: null,
            spoiler_label: null,
          })),
        )
        .execute()
    })
  }
  store.close?.()
  await database.close()
  return bytes
}

/** The measured process: exports the channel, sampling its RSS, and prints one JSON line. */
async function exportChild(dataDir: string, out: string): Promise<void> {
  const config = openStores(dataDir)
  const database = await openDatabase(config.database)
  const mediaStore = await createMediaStore(config)
  global.gc?.()
  const baselineRss = process.memoryUsage().rss
  const rss = sampleRss(() => process.memoryUsage().rss)
  const started = performance.now()
  const items = await exportChannelToFile({ db: database.db, mediaStore }, 'big-show', out, {
    server: 'http://bench.invalid',
    now: Date.now(),
  })
  const ms = performance.now() - started
  // maxRSS (KiB) catches a peak between two samples.
  const peakRss = Math.max(rss.stop(), process.resourceUsage().maxRSS * 1024)
  mediaStore.close?.()
  await database.close()
  console.log(JSON.stringify({ items, ms, baselineRss, peakRss }))
}
