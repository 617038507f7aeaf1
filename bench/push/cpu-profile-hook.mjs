// Loaded into the server process with NODE_OPTIONS=--import when BENCH_CPU_PROF_DIR is set (Node
// 20 refuses --cpu-prof in NODE_OPTIONS, and a whole-run profile would be mostly start-up): the
// first SIGUSR2 starts the V8 sampling profiler, the next one writes
// $BENCH_CPU_PROF_DIR/push-<pid>-<n>.cpuprofile. bench/push/run.ts sends them around the fan-out.
import fs from 'node:fs'
import { Session } from 'node:inspector'
import path from 'node:path'

const dir = process.env.BENCH_CPU_PROF_DIR
if (dir) {
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: 250 })
  let isRunning = false
  let written = 0
  process.on('SIGUSR2', () => {
    if (!isRunning) {
      isRunning = true
      session.post('Profiler.start')
      return
    }
    isRunning = false
    session.post('Profiler.stop', (error, result) => {
      if (error) return
      fs.mkdirSync(dir, { recursive: true })
      const file = path.join(dir, `push-${process.pid}-${++written}.cpuprofile`)
      fs.writeFileSync(file, JSON.stringify(result.profile))
    })
  })
}
