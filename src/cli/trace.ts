import fs from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { traceLeak } from '../production/index.js'

const USAGE = 'backlot: usage: backlot trace IMAGE [--channel SLUG] [--json]'
/** Larger files are refused before decoding: a leaked web image is a few megabytes at most. */
const MAX_IMAGE_BYTES = 40 * 1024 * 1024

/**
 * `backlot trace IMAGE`: which press preview or press kit link a leaked image was served through
 * (docs/watermark.md). Prints the link and its recipient with the detection score, or "no
 * watermark found". Exit code 0 either way (the answer is the output); 1 for a bad call.
 */
export async function runTrace(args: string[]): Promise<number> {
  let parsed: { values: { channel?: string; json?: boolean }; positionals: string[] }
  try {
    parsed = parseArgs({
      args,
      options: { channel: { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    console.error(`backlot: ${(error as Error).message}`)
    return 1
  }
  const { values, positionals } = parsed
  if (positionals.length !== 1) {
    console.error(USAGE)
    return 1
  }
  const file = positionals[0]!
  const stat = await fs.stat(file).catch(() => null)
  if (!stat?.isFile()) {
    console.error(`backlot: no image file at ${file}`)
    return 1
  }
  if (stat.size > MAX_IMAGE_BYTES) {
    console.error(`backlot: ${file} is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`)
    return 1
  }
  const config = loadConfig()
  await using database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  let channelId: string | undefined
  if (values.channel) {
    const channel = await database.db
      .selectFrom('channel')
      .select('id')
      .where('slug', '=', values.channel)
      .executeTakeFirst()
    if (!channel) {
      console.error(`backlot: no channel "${values.channel}"`)
      return 1
    }
    channelId = channel.id
  }
  let result: Awaited<ReturnType<typeof traceLeak>>
  try {
    result = await traceLeak(database.db, await fs.readFile(file), { channelId })
  } catch (error) {
    console.error(`backlot: ${file} could not be read as an image (${(error as Error).message})`)
    return 1
  }
  if (values.json) {
    console.log(JSON.stringify(result))
    return 0
  }
  const { source } = result
  const confidence = `score ${result.score} (threshold ${result.threshold}; next best ${result.nextScore}; ${result.candidates} links tried)`
  if (!source) {
    console.log(`no watermark found: ${confidence}`)
    return 0
  }
  const who = [source.recipient || '(no name)', source.outlet, source.email].filter(Boolean).join(', ')
  const state = source.revokedAt === null ? '' : ' (since revoked)'
  const of = source.digestId === null ? `post ${source.postId}` : `digest ${source.digestId}`
  console.log(
    `press ${source.kind} link ${source.linkId}${state} for ${who}: ${of} in /c/${source.channelSlug}, issued ${new Date(source.createdAt).toISOString()}`,
  )
  console.log(`${confidence}; image at ${Math.round(result.scale * 100)}% of the served size`)
  return 0
}
