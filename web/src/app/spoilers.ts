/**
 * Which spoilers this device has revealed. A tap on a spoiler image or post reveals it and is
 * remembered in localStorage, so the same spoiler stays open on reload but not on another device
 * (nothing is sent to the server). Keys are `post:<id>` and `media:<id>`; the list is capped so a
 * heavy reader's storage cannot grow without bound (oldest reveals are forgotten first).
 */

export const SPOILER_STORAGE_KEY = 'backlot.revealed'
export const SPOILER_MEMORY = 2000

export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export class SpoilerMemory {
  private revealed: string[]
  private readonly set: Set<string>
  constructor(private readonly storage: KeyValueStorage | null) {
    this.revealed = read(storage)
    this.set = new Set(this.revealed)
  }

  isRevealed(kind: 'post' | 'media', id: string): boolean {
    return this.set.has(`${kind}:${id}`)
  }

  reveal(kind: 'post' | 'media', id: string): void {
    const key = `${kind}:${id}`
    if (this.set.has(key)) return
    this.set.add(key)
    this.revealed.push(key)
    while (this.revealed.length > SPOILER_MEMORY) this.set.delete(this.revealed.shift()!)
    try {
      this.storage?.setItem(SPOILER_STORAGE_KEY, JSON.stringify(this.revealed))
    } catch {
      // Storage full or blocked (private mode): the reveal still holds for this page.
    }
  }
}

function read(storage: KeyValueStorage | null): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(SPOILER_STORAGE_KEY) ?? '[]')
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : []
  } catch {
    return []
  }
}

function browserStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

export const spoilers = new SpoilerMemory(browserStorage())
