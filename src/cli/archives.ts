import fs from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { exportChannelToFile, ImportError, importChannel } from '../exports/index.js'
import { createMediaStore } from '../media-store/create-media-store.js'
import { systemClock } from '../util/clock.js'

/** The configured database (migrated) and media store; disposing closes them. */
async function openStores() {
  const config = loadConfig()
  const database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  const mediaStore = await createMediaStore(config)
  return {
    config,
    db: database.db,
    mediaStore,
    [Symbol.asyncDispose]: async () => {
      mediaStore.close?.()
      await database[Symbol.asyncDispose]()
    },
  }
}

const IMPORT_USAGE = 'backlot: usage: backlot import ARCHIVE [--owner HANDLE] [--json]'

/**
 * `backlot import ARCHIVE [--owner HANDLE]`: reads a channel archive (docs/export-format.md) into
 * this server. Run it before serving, or while the server runs: the channel appears whole at the
 * end (one transaction). A bad archive gets one plain line and changes nothing.
 */
export async function runImport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { owner: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  })
  if (positionals.length !== 1) {
    console.error(IMPORT_USAGE)
    return 1
  }
  const archive = positionals[0]!
  if (!(await fs.stat(archive).catch(() => null))?.isFile()) {
    console.error(`backlot: no archive file at ${archive}`)
    return 1
  }
  await using stores = await openStores()
  const { config } = stores
  try {
    const result = await importChannel(
      {
        ...stores,
        clock: systemClock,
        media: {
          maxPixels: config.media.maxPixels,
          maxBytes: config.media.maxBytes,
          video: config.media.video,
        },
      },
      archive,
      { owner: values.owner },
    )
    if (values.json) console.log(JSON.stringify(result))
    else {
      console.log(
        `imported channel "${result.slug}" owned by @${result.owner}: ${result.posts} posts, ${result.media} images, ${result.audit} audit entries`,
      )
      if (result.unmatchedHandles.length > 0)
        console.log(
          `attributed to @${result.owner} (no such account here): @${result.unmatchedHandles.join(', @')}`,
        )
    }
    return 0
  } catch (error) {
    if (!(error instanceof ImportError)) throw error
    console.error(`backlot: ${error.message}`)
    return 1
  }
}

/** `backlot export --channel SLUG --out FILE`: a channel archive straight to a file, for operators. */
export async function runExport(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { channel: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  })
  if (!values.channel || !values.out) {
    console.error('backlot: usage: backlot export --channel SLUG --out FILE')
    return 1
  }
  await using stores = await openStores()
  const items = await exportChannelToFile(stores, values.channel, values.out, {
    server: stores.config.publicUrl.origin,
    now: Date.now(),
  })
  if (items === null) {
    console.error(`backlot: no channel "${values.channel}"`)
    return 1
  }
  const { size } = await fs.stat(values.out)
  console.log(
    `exported channel "${values.channel.toLowerCase()}": ${items} items, ${size} bytes in ${values.out}`,
  )
  return 0
}
