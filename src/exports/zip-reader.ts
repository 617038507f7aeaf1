import type { Readable } from 'node:stream'
import yauzl from 'yauzl'

/** One entry of an archive being read: its name, size and a stream of its (inflated) bytes. */
export interface ZipEntry {
  name: string
  size: number
  open(): Promise<Readable>
}

/**
 * The entries of a zip file in the order they were written, one at a time: the next entry is read
 * only after the caller is done with this one, so an import never holds more than one file.
 * yauzl checks entry names (no absolute paths, no `..`) and sizes against the central directory.
 */
export async function* zipEntries(path: string): AsyncGenerator<ZipEntry> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, strictFileNames: true }, (error, z) =>
      error ? reject(error) : resolve(z),
    ),
  )
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => settle(() => resolve(e))
        const onEnd = () => settle(() => resolve(null))
        const onError = (error: Error) => settle(() => reject(error))
        const settle = (then: () => void) => {
          zip.off('entry', onEntry).off('end', onEnd).off('error', onError)
          then()
        }
        zip.on('entry', onEntry).on('end', onEnd).on('error', onError)
        zip.readEntry()
      })
      if (!entry) return
      if (entry.fileName.endsWith('/')) continue
      yield {
        name: entry.fileName,
        size: entry.uncompressedSize,
        open: () =>
          new Promise<Readable>((resolve, reject) =>
            zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
          ),
      }
    }
  } finally {
    zip.close()
  }
}
