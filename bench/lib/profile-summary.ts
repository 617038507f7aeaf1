import fs from 'node:fs'
import path from 'node:path'

/**
 * Self time by function of a V8 .cpuprofile (from BENCH_PROFILE=1, see probe.ts), idle excluded,
 * with each function's share of the busy time — the table used to find per-delivery costs.
 *
 * Usage: npx tsx bench/lib/profile-summary.ts <file.cpuprofile> [top=40]
 */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg] = process.argv.slice(2)
if (!file) {
  console.error('usage: profile-summary <file.cpuprofile> [top]')
  process.exit(2)
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const selfUs = new Map<number, number>()
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
}
const byFunction = new Map<string, number>()
let busy = 0
let idle = 0
for (const [id, us] of selfUs) {
  const { callFrame } = byId.get(id)!
  if (callFrame.functionName === '(idle)') {
    idle += us
    continue
  }
  busy += us
  const where = callFrame.url ? `${shorten(callFrame.url)}:${callFrame.lineNumber + 1}` : ''
  const key = `${callFrame.functionName || '(anonymous)'} ${where}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + us)
}
const total = (profile.endTime - profile.startTime) / 1000
console.log(
  `${path.basename(file)}: ${total.toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`,
)
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 40))) {
  console.log(
    `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${key}`,
  )
}

function shorten(url: string): string {
  return url.replace(/^file:\/\/.*?\/node_modules\//, '~/').replace(/^file:\/\/.*?\/dist\//, 'dist/')
}

// With a third argument, also the call paths (5 frames up) that spent the most self time in
// functions whose name contains it: `profile-summary <file> 40 _copyActual`.
const focus = process.argv[4]
if (focus) {
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const paths = new Map<string, number>()
  for (const [id, us] of selfUs) {
    if (!byId.get(id)!.callFrame.functionName.includes(focus)) continue
    const frames: string[] = []
    for (let at: number | undefined = id, i = 0; at !== undefined && i < 6; at = parent.get(at), i++) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame
      frames.push(`${functionName || '(anonymous)'}${url ? ` ${shorten(url)}:${lineNumber + 1}` : ''}`)
    }
    const key = frames.join(' ← ')
    paths.set(key, (paths.get(key) ?? 0) + us)
  }
  console.log(`\ncall paths of "${focus}":`)
  for (const [key, us] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${key}`)
  }
}
