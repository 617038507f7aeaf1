import fs from 'node:fs'
import path from 'node:path'

/**
 * Samples a process's resident memory every `everyMs` until stopped (`read` returns bytes, e.g.
 * `() => process.memoryUsage().rss` or a server process's /proc figure); `stop()` returns the peak
 * in bytes, the last reading included.
 */
export function sampleRss(read: () => number, everyMs = 20): { stop(): number } {
  let peak = read()
  const timer = setInterval(() => {
    peak = Math.max(peak, read())
  }, everyMs)
  return {
    stop: () => {
      clearInterval(timer)
      return Math.max(peak, read())
    },
  }
}

/** Writes a benchmark's result to bench/results/<name>.json (pretty, one trailing newline) and says so. */
export function writeResult(name: string, result: unknown): string {
  const out = path.resolve(import.meta.dirname, '../results', `${name}.json`)
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(`wrote ${path.relative(process.cwd(), out)}`)
  return out
}
