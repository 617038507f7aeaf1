import { randomUUID } from 'node:crypto'
import type { DbOrTx } from '../db/database.js'
import { metaKeys, writeMeta } from './meta.js'

/** A fresh epoch, in the format the first migration uses (12 hex digits). */
export function newStreamEpoch(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12)
}

/**
 * Gives the database a new stream epoch: every client resuming with a position of the old one gets
 * `reset` (`epoch-changed`) and reloads instead of trusting sequences that now name other events.
 * Call it inside the transaction that decided the history was replaced.
 */
export async function rotateStreamEpoch(tx: DbOrTx): Promise<string> {
  const epoch = newStreamEpoch()
  await writeMeta(tx, metaKeys.streamEpoch, epoch)
  return epoch
}
