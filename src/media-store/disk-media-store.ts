import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import {
  assertContentMatchesKey,
  assertHashMatchesKey,
  assertMediaKey,
  type ByteRange,
  type MediaStore,
} from './media-store.js'

/**
 * Files on local disk under one root folder (`BACKLOT_DATA_DIR/media` by default). Writes go to a
 * temporary file in the destination folder, are fsynced, then renamed into place and the folder is
 * fsynced: a crash leaves either the complete file or none (plus, at worst, a stray `.tmp` file).
 * Every key passes `assertMediaKey` before it touches a path, so no key can name a file outside
 * the root.
 */
export class DiskMediaStore implements MediaStore {
  readonly root: string

  constructor(root: string) {
    this.root = path.resolve(root)
  }

  async put(key: string, bytes: Uint8Array, _contentType: string): Promise<void> {
    await assertContentMatchesKey(key, bytes)
    const file = this.pathOf(key)
    // Content-addressed: an existing file already holds exactly these bytes.
    if (await this.exists(key)) return
    const dir = path.dirname(file)
    await fs.mkdir(dir, { recursive: true })
    const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      const handle = await fs.open(temp, 'wx', 0o644)
      try {
        await handle.writeFile(bytes)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.rename(temp, file)
    } catch (error) {
      await fs.rm(temp, { force: true })
      throw error
    }
    await syncDir(dir)
  }

  async putStream(key: string, body: Readable, _contentType: string): Promise<void> {
    const file = this.pathOf(key)
    if (await this.exists(key)) {
      // Content-addressed: the file is there already, with exactly these bytes.
      body.destroy()
      return
    }
    const dir = path.dirname(file)
    await fs.mkdir(dir, { recursive: true })
    const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      const hash = createHash('sha256')
      const handle = await fs.open(temp, 'wx', 0o644)
      try {
        for await (const chunk of body) {
          hash.update(chunk)
          await handle.write(chunk)
        }
        await handle.sync()
      } finally {
        await handle.close()
      }
      assertHashMatchesKey(key, hash.digest('hex'))
      await fs.rename(temp, file)
    } catch (error) {
      await fs.rm(temp, { force: true })
      throw error
    }
    await syncDir(dir)
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathOf(key))
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  async stream(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null> {
    let handle: fs.FileHandle
    try {
      handle = await fs.open(this.pathOf(key), 'r')
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
    // Size and stream come from the same open file, so a concurrent delete cannot split them.
    try {
      const { size } = await handle.stat()
      if (size === 0) {
        await handle.close()
        return { body: Readable.from([]), size }
      }
      // A known end lets the stream finish right after its last chunk instead of one more read
      // later, so the HTTP response ends as soon as the last byte is written.
      const start = range ? Math.min(range.start, size - 1) : 0
      const end = range ? Math.min(range.end, size - 1) : size - 1
      return { body: handle.createReadStream({ start, end, autoClose: true }), size }
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(key))).isFile()
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true })
  }

  private pathOf(key: string): string {
    const file = path.join(this.root, assertMediaKey(key))
    // Belt and braces: the key pattern already rules this out.
    if (!file.startsWith(this.root + path.sep)) throw new Error('media key escapes the store root')
    return file
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string }).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
