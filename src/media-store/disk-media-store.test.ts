import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DiskMediaStore } from './disk-media-store.js'
import { hostileKeys, testMediaStoreContract } from './media-store.contract.js'
import { contentKey } from './media-store.js'

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-media-store-'))
}

testMediaStoreContract('disk', async () => {
  const root = tempRoot()
  return {
    store: new DiskMediaStore(path.join(root, 'media')),
    cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
  }
})

describe('DiskMediaStore', () => {
  it('writes under root/ab/cd/ and leaves no temporary files behind', async () => {
    const root = tempRoot()
    try {
      const store = new DiskMediaStore(path.join(root, 'media'))
      const bytes = Buffer.from('variant bytes')
      const key = await contentKey(bytes, 'webp')
      await store.put(key, bytes, 'image/webp')
      const files = fs.readdirSync(root, { recursive: true }).map(String).sort()
      expect(files).toEqual(['media', `media/${key.slice(0, 2)}`, `media/${key.slice(0, 5)}`, `media/${key}`])
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })

  it('never touches a file outside its root for a hostile key', async () => {
    const root = tempRoot()
    try {
      const outside = path.join(root, 'secret.txt')
      fs.writeFileSync(outside, 'keep me')
      const store = new DiskMediaStore(path.join(root, 'media', 'inner'))
      for (const key of [...hostileKeys, '../../secret.txt', '../secret.txt']) {
        await expect(store.delete(key)).rejects.toThrow()
        await expect(store.get(key)).rejects.toThrow()
      }
      expect(fs.readFileSync(outside, 'utf8')).toBe('keep me')
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
