import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// semver comes with npm's own dependency tree (no types shipped); it is what npm uses for engines.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null
  satisfies(version: string, range: string): boolean
}
const root = path.resolve(import.meta.dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'))

/** Locked packages whose `engines.node` excludes `version` (what `npm ci` reports as EBADENGINE). */
function refusing(version: string): string[] {
  return Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
    .filter(([name, entry]) => name && entry.engines?.node && !semver.satisfies(version, entry.engines.node))
    .map(([name, entry]) => `${name} wants node ${entry.engines?.node}`)
}

// Issue 22, point 4: one supported Node line, and `npm ci` on it prints no engine warning.
describe('the Node line package.json states', () => {
  it('is supported by every locked dependency, from its lowest version up', () => {
    const lowest = semver.minVersion(pkg.engines.node)?.version
    expect(lowest).toBeDefined()
    expect(refusing(lowest as string)).toEqual([])
  })

  it('includes the Node this runs on, and every locked dependency supports it too', () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true)
    expect(refusing(process.version)).toEqual([])
  })
})
