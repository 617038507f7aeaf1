import type { Db } from '../db/database.js'
import type { MediaStore } from '../media-store/media-store.js'
import type { MediaFile, Section } from './sections.js'
import { ZipWriter } from './zip-writer.js'

/** Everything one archive holds, in the order it is written. */
export interface ArchivePlan {
  /** Small JSON documents written first (manifest.json, profile.json, channel.json…). */
  documents: [file: string, value: unknown][]
  readme: string
  sections: Section[]
  media: { count(db: Db): Promise<number>; files(db: Db): AsyncIterable<MediaFile> }
}

export interface ArchiveProgress {
  /** Called once with the number of items (rows and files) the archive will hold. */
  started(total: number): Promise<void>
  /** Called after each item; the caller decides how often to record it. */
  advanced(done: number): Promise<void>
}

/**
 * Writes the archive to `path`: documents, README.md, each section's rows, then each media original
 * streamed from the store one at a time. A media file missing from the store (deleted meanwhile) is
 * left out and listed in `missing-files.txt`, rather than failing a 10,000-photo export at the end.
 * Returns the number of items written.
 */
export async function writeArchive(
  deps: { db: Db; mediaStore: MediaStore },
  plan: ArchivePlan,
  path: string,
  at: Date,
  progress: ArchiveProgress,
): Promise<number> {
  const { db, mediaStore } = deps
  const counts = await Promise.all(plan.sections.map((s) => s.count(db)))
  const total = counts.reduce((a, b) => a + b, 0) + (await plan.media.count(db))
  await progress.started(total)
  const zip = new ZipWriter(path, at)
  let done = 0
  const step = async () => {
    done += 1
    await progress.advanced(done)
  }
  for (const [file, value] of plan.documents) await zip.addJson(file, value)
  await zip.addText('README.md', plan.readme)
  for (const section of plan.sections) {
    const rows = section.rows(db)
    await zip.addLines(section.file, withStep(rows, step))
  }
  const missing: string[] = []
  for await (const media of plan.media.files(db)) {
    const file = await mediaStore.stream(media.key)
    if (file) await zip.addStream(media.file, file.body, file.size)
    else missing.push(media.file)
    await step()
  }
  if (missing.length > 0) await zip.addText('missing-files.txt', `${missing.join('\n')}\n`)
  await zip.close()
  return done
}

async function* withStep<T>(rows: AsyncIterable<T>, step: () => Promise<void>): AsyncGenerator<T> {
  for await (const row of rows) {
    yield row
    await step()
  }
}
