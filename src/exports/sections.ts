import type { Db } from '../db/database.js'

/**
 * One file of an archive: JSON Lines read through a cursor, with the row count known up front so
 * the job can report progress (items done / total) while it writes.
 */
export interface Section {
  /** Path in the archive, e.g. `reactions.jsonl`. */
  file: string
  /** One line for the archive's README. */
  about: string
  count(db: Db): Promise<number>
  rows(db: Db): AsyncIterable<unknown>
}

/** A file of the archive streamed from the MediaStore. */
export interface MediaFile {
  /** Path in the archive, e.g. `media/01J….jpg`. */
  file: string
  key: string
}

export const iso = (ms: number | null): string | null =>
  ms === null ? null : new Date(Number(ms)).toISOString()

export async function countOf(query: {
  executeTakeFirstOrThrow(): Promise<{ n: unknown }>
}): Promise<number> {
  return Number((await query.executeTakeFirstOrThrow()).n)
}

/** The file name a media original has in an archive: its id and the extension of its stored key. */
export function mediaFileName(mediaId: string, originalKey: string): string {
  return `media/${mediaId}.${originalKey.slice(originalKey.lastIndexOf('.') + 1)}`
}
