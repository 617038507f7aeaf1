import fs from 'node:fs'
import path from 'node:path'

/**
 * Self time per function (and per source file) of a V8 CPU profile, the heaviest first. Under a
 * loaded machine the profiler's samples are wall time, so a syscall that yields the CPU (a socket
 * write waking the push service) looks heavier than its CPU cost.
 * Usage: BENCH_CPU_PROF=/tmp/prof npx tsx bench/push/run.ts 10000 --end-to-end
 *        npx tsx bench/push/profile.ts /tmp/prof/push-<pid>-1.cpuprofile [top]
 */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const file = process.argv[2]
if (!file) throw new Error('usage: profile.ts <file.cpuprofile> [top]')
const top = Number(process.argv[3] ?? 40)
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const byFunction = new Map<string, number>()
const byFile = new Map<string, number>()
let total = 0
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0
  const frame = byId.get(id)!.callFrame
  const where = frame.url ? shorten(frame.url) : '(native)'
  const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + delta)
  byFile.set(where, (byFile.get(where) ?? 0) + delta)
  total += delta
})

function shorten(url: string): string {
  const p = url.replace(/^file:\/\//, '')
  const i = p.indexOf('node_modules/')
  return i >= 0 ? p.slice(i + 13) : path.relative(process.cwd(), p)
}

function print(title: string, map: Map<string, number>): void {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(2)} s sampled)`)
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    )
  }
}
print('self time by function', byFunction)
print('self time by file', byFile)
