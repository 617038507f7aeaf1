import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { LoggedEvent } from '../../src/event-log/event-log.js'
import { backlotArgs } from '../_util/backlot-command.js'
import type { TestDatabase } from '../_util/db.js'
import { seedPostEvents } from '../_util/events.js'
import { type SeededAccount, seedAccount, seedChannel } from '../_util/seed.js'
import type { TestServer } from '../_util/server.js'
import { type Frame, SseReader, StreamClient } from '../_util/stream.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `backlot <args>` as an operator would, on the test database's configuration. */
export async function backlotCli(database: TestDatabase, args: string[]): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? root,
    BACKLOT_DATA_DIR: database.dataDir,
    BACKLOT_LOG_LEVEL: 'silent',
  }
  if (database.config.kind === 'postgres') {
    env.BACKLOT_DATABASE_URL = database.config.location
    env.BACKLOT_DATABASE_SCHEMA = database.config.schema
  } else {
    env.BACKLOT_DATABASE_URL = `sqlite:${database.config.location}`
  }
  try {
    const { stdout, stderr } = await run(process.execPath, backlotArgs(...args), {
      cwd: root,
      env,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

/** A public channel "on-set" and its owner, on a freshly started server. */
export async function seedOnSet(server: TestServer): Promise<{ owner: SeededAccount; channelId: string }> {
  const owner = await seedAccount(server.ctx, 'owner')
  const channel = await seedChannel(server.ctx, owner.account, { slug: 'on-set' })
  return { owner, channelId: channel.id }
}

/** Appends `count` events to "on-set" (one transaction each), as posts published there would. */
export function postEvents(server: TestServer, channelId: string, count: number): Promise<LoggedEvent[]> {
  return seedPostEvents(server.ctx, { id: channelId, slug: 'on-set' }, count)
}

/**
 * What a WebSocket client resuming "on-set" at `since` is sent up to its `subscribed` frame:
 * replayed events, and `reset` if its position could not be honoured.
 */
export async function resumeOverWebSocket(
  server: TestServer,
  since: { epoch: string; seq: number; id?: string } | undefined,
): Promise<{ frames: Frame[]; subscribed: Frame }> {
  const socket = await StreamClient.open(server.url)
  try {
    const subscribed = await socket.subscribeAndWait('on-set', since)
    return { frames: socket.frames.filter((f) => f.channel === 'on-set'), subscribed }
  } finally {
    await socket.close()
  }
}

/** The same over SSE: the messages up to `subscribed`, resuming with a Last-Event-ID. */
export async function resumeOverSse(server: TestServer, lastEventId: string) {
  const reader = await SseReader.open(`${server.url}/api/v1/channels/on-set/events`, {
    'last-event-id': lastEventId,
  })
  try {
    await reader.waitFor((m) => m.event === 'subscribed')
    return reader.messages.filter((m) => m.event !== undefined)
  } finally {
    reader.close()
  }
}
