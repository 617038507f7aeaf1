import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import en from '../../../locales/en/web.json'

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The app's source files (the public pages' island has no catalogs of its own yet). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'island' ? [] : sources(p)
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [p] : []
  })
}

type Messages = { [key: string]: string | Messages }
const lookup = (key: string): unknown =>
  key.split('.').reduce<unknown>((m, part) => (m as Messages | undefined)?.[part], en)

/**
 * The catalogs test (src/i18n/catalogs.test.ts) checks that Spanish has every key English has;
 * this one checks that English has every key the app asks for, so no page shows a raw key.
 */
describe('message keys used by the app', () => {
  const calls = sources(src).flatMap((file) => {
    const code = readFileSync(file, 'utf8')
    const name = path.relative(src, file)
    return [
      ...[...code.matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => ({ file: name, key: m[1]!, dynamic: false })),
      // t(`studio.composer.submit.${when}`): the part before the placeholder must be a group.
      ...[...code.matchAll(/\bt\(\s*`([^`$]+)\.\$\{/g)].map((m) => ({
        file: name,
        key: m[1]!,
        dynamic: true,
      })),
    ]
  })

  it('finds the calls', () => {
    expect(calls.length).toBeGreaterThan(300)
  })

  it('are all in locales/en/web.json (a plural as key_one and key_other)', () => {
    const missing = calls.filter(({ key, dynamic }) => {
      if (dynamic) return typeof lookup(key) !== 'object'
      return typeof lookup(key) !== 'string' && typeof lookup(`${key}_other`) !== 'string'
    })
    expect(missing.map((c) => `${c.file}: ${c.key}`)).toEqual([])
  })
})
