import { createWriteStream } from 'node:fs'
import { PassThrough, type Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import yazl from 'yazl'

/**
 * Writes a zip archive to a file one entry at a time, never holding more than one entry's stream
 * buffer in memory (issue 17 point 2: a channel with 10,000 photos must not be loaded at once).
 * yazl writes entries in the order they are added; each `add…` call waits until yazl has consumed
 * the entry before returning, so rows are read from the database only as fast as the file is written.
 * JSON is deflated; images (already compressed) are stored as they are.
 */
export class ZipWriter {
  readonly #zip = new yazl.ZipFile()
  readonly #done: Promise<void>
  readonly #mtime: Date
  #failure: Error | null = null

  constructor(path: string, mtime: Date) {
    this.#mtime = mtime
    const out = createWriteStream(path)
    this.#zip.outputStream.pipe(out)
    this.#done = finished(out)
    // Seen by the next add…: the writer stops at the first failure instead of waiting for a drain.
    this.#done.catch((error: Error) => {
      this.#failure = error
    })
  }

  /** A small JSON document, pretty-printed for people who open the archive. */
  async addJson(name: string, value: unknown): Promise<void> {
    await this.addText(name, `${JSON.stringify(value, null, 2)}\n`)
  }

  async addText(name: string, text: string): Promise<void> {
    this.#check()
    this.#zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime: this.#mtime })
  }

  /**
   * JSON Lines: one JSON value per line, written as `rows` yields them (a cursor over the database),
   * with backpressure. Returns how many lines were written.
   */
  async addLines(name: string, rows: AsyncIterable<unknown>, onRow?: () => void): Promise<number> {
    this.#check()
    const entry = new PassThrough()
    this.#zip.addReadStream(entry, name, { mtime: this.#mtime })
    const consumed = finished(entry)
    let count = 0
    for await (const row of rows) {
      if (!entry.write(`${JSON.stringify(row)}\n`)) await this.#drained(entry)
      count += 1
      onRow?.()
    }
    entry.end()
    await consumed
    return count
  }

  /** A file streamed from elsewhere (a media original), stored without compression. */
  async addStream(name: string, body: Readable, size: number): Promise<void> {
    this.#check()
    this.#zip.addReadStream(body, name, { mtime: this.#mtime, compress: false, size })
    await finished(body)
  }

  /** Writes the central directory and waits until the file is complete on disk. */
  async close(): Promise<void> {
    this.#check()
    this.#zip.end()
    await this.#done
  }

  #check(): void {
    if (this.#failure) throw this.#failure
  }

  async #drained(entry: PassThrough): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      entry.once('drain', resolve)
      this.#done.catch(reject)
    })
  }
}
