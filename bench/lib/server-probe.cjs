// Loaded into every server process of a benchmark (NODE_OPTIONS=--require, so `serve --workers`
// workers load it too) when BENCH_PROBE_DIR is set. Two jobs, both outside the server's code:
//
// 1. Server-side delivery timing. The hub publishes one `backlot:delivery:flush` diagnostics-channel
//    message per coalesced flush that wrote events (src/delivery/flusher.ts); this appends one line
//    per event to <dir>/flush-<pid>.jsonl: {pid, channelId, seq, at (commit, ms), writeStart and
//    writeEnd (ms, when the flush began and when its last socket.write returned), sockets}.
//    The bench compares writeEnd with the time the last client received the event.
// 2. CPU profiles of chosen phases: SIGUSR2 starts the V8 sampling profiler, the next SIGUSR2 stops
//    it and writes <dir>/cpu-<pid>-<n>.cpuprofile (--cpu-prof would profile the whole run, start-up
//    and 19,000 handshakes included). Only when BENCH_PROFILE=1.
const fs = require('node:fs')
const path = require('node:path')
const dc = require('node:diagnostics_channel')
const { performance } = require('node:perf_hooks')

const dir = process.env.BENCH_PROBE_DIR
if (dir) {
  const now = () => performance.timeOrigin + performance.now()
  const file = path.join(dir, `flush-${process.pid}.jsonl`)
  const fd = fs.openSync(file, 'a')
  dc.subscribe('backlot:delivery:flush', (message) => {
    const writeEnd = now()
    let lines = ''
    for (const e of message.events) {
      lines += `${JSON.stringify({
        pid: process.pid,
        channelId: e.channelId,
        seq: e.seq,
        at: e.at,
        writeStart: message.start,
        writeEnd,
        sockets: message.sockets,
      })}\n`
    }
    fs.writeSync(fd, lines)
  })

  if (process.env.BENCH_PROFILE === '1') {
    const inspector = require('node:inspector')
    const session = new inspector.Session()
    session.connect()
    session.post('Profiler.enable')
    session.post('Profiler.setSamplingInterval', { interval: 100 })
    let running = false
    let count = 0
    process.on('SIGUSR2', () => {
      if (!running) {
        running = true
        session.post('Profiler.start')
        return
      }
      running = false
      session.post('Profiler.stop', (error, result) => {
        if (error) return
        const out = path.join(dir, `cpu-${process.pid}-${++count}.cpuprofile`)
        fs.writeFileSync(out, JSON.stringify(result.profile))
      })
    })
  }
}
