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

/**
 * Fedify (issue 18) declares Node >= 22 in every release, 1.x and 2.x alike, while this machine and
 * package.json stay on Node 20. Its built code was read for Node 22-only APIs: the one it holds
 * (`Iterator.from`, in uri-template's `Router.register`) is never called by Fedify, and the test
 * below fails the day a new one appears. Two Node 20 gaps it does hit are filled by Backlot: no global
 * `navigator` (src/federation/node20.ts) and no `Temporal` (@js-temporal/polyfill). The federation
 * tests run it on the Node this runs on.
 * Nothing else may refuse our Node line; .ci/run applies the same list to `npm ci`'s warnings.
 */
const NODE_22_DECLARED_RUNS_ON_20 = /^node_modules\/@fedify\//

/** Locked packages whose `engines.node` excludes `version` (what `npm ci` reports as EBADENGINE). */
function refusing(version: string): string[] {
  return Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
    .filter(([name, entry]) => name && entry.engines?.node && !semver.satisfies(version, entry.engines.node))
    .filter(([name]) => !NODE_22_DECLARED_RUNS_ON_20.test(name))
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

/** Built JavaScript files under `dir`, recursively. */
function builtFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.[mc]?js$/.test(entry.name) && !entry.name.includes('.test.'))
    .map((entry) => path.join(entry.parentPath, entry.name))
}

describe('Fedify on Node 20', () => {
  it('uses no API that Node 20 lacks, apart from the one Router.register that Fedify never calls', () => {
    const node22Only =
      /Iterator\.from\(|Array\.fromAsync\(|Promise\.withResolvers\(|Object\.groupBy\(|Map\.groupBy\(|getBuiltinModule\(|\.symmetricDifference\(|\.isSubsetOf\(/
    const found: string[] = []
    const shipped = builtFiles(path.join(root, 'node_modules', '@fedify')).filter(
      (file) => !file.includes('dist-tests'),
    )
    for (const file of shipped) {
      const lines = fs.readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, index) => {
        if (node22Only.test(line)) found.push(`${path.relative(root, file)}:${index + 1}: ${line.trim()}`)
      })
    }
    expect(found.length).toBeGreaterThan(0)
    for (const line of found) {
      expect(line).toMatch(/uri-template\/dist\/mod\.c?js:\d+: const resolved = Iterator\.from\(routes\)/)
    }
    const callers = builtFiles(path.join(root, 'node_modules', '@fedify', 'fedify', 'dist')).filter((file) =>
      /\.register\(/.test(fs.readFileSync(file, 'utf8')),
    )
    expect(callers).toEqual([])
  })
})
