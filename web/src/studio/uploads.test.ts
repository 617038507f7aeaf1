import { describe, expect, it, vi } from 'vitest'
import type { Media } from '../app/types.js'

const sent: { finish: (media: Partial<Media>) => void }[] = []
vi.mock('../app/api.js', () => ({
  api: { get: vi.fn() },
  uploadForm: vi.fn(() => {
    let finish!: (media: Partial<Media>) => void
    const promise = new Promise<Partial<Media>>((resolve) => {
      finish = resolve
    })
    sent.push({ finish })
    return { promise, abort: vi.fn() }
  }),
}))

const { newItem, startUpload } = await import('./uploads.js')

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('startUpload', () => {
  it("sends an album a few photos at a time, within the server's per-account share of upload slots", async () => {
    const update = vi.fn()
    const items = Array.from({ length: 10 }, (_, i) => newItem(new File([`photo ${i}`], `${i}.jpg`)))
    for (const item of items) startUpload(item, update)
    expect(sent).toHaveLength(3)
    sent[0]!.finish({ id: 'm1', status: 'ready' })
    await tick()
    expect(sent).toHaveLength(4)
    // The rest follow as uploads finish, and all ten are sent in the end.
    for (let round = 0; round < 10 && sent.length < 10; round++) {
      for (const upload of sent) upload.finish({ id: 'm', status: 'ready' })
      await tick()
    }
    expect(sent).toHaveLength(10)
  })
})
