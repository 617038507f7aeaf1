// Loaded into the server with NODE_OPTIONS=--require (BENCH_PROFILE=1): --cpu-prof itself is not
// allowed in NODE_OPTIONS. Profiles the whole run and writes a .cpuprofile when the process exits.
const fs = require('node:fs')
const path = require('node:path')
const inspector = require('node:inspector')

const session = new inspector.Session()
session.connect()
session.post('Profiler.enable')
session.post('Profiler.setSamplingInterval', { interval: 200 })
session.post('Profiler.start')
process.on('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (error) return
    const dir = process.env.BENCH_PROFILE_DIR || '.'
    fs.writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile))
  })
})
