import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { percentile, printTable, type ServerProcess, startServerProcess } from '../lib/server-process.js'

/**
 * npm run bench:connections — a flood of idle connections against the built server (issue 14).
 *
 * The server runs under `ulimit -n LIMIT` (default 4096). FLOOD idle sockets (default 3 × LIMIT)
 * are opened from many loopback addresses as fast as they connect, then kept open while
 * `/healthz` (a fresh connection each time) and logins are timed. The same probes run first with
 * no flood. Reported: probe latency p50/p99/max and failures in each phase, how fast the flood
 * connected, how many of its sockets the server still holds (never above its capacity, the limit
 * minus BACKLOT_FD_RESERVE), idle connections closed to make room, and the server's RSS and CPU time.
 * Writes bench/results/connections.json.
 *
 * Usage: npm run bench:connections [-- LIMIT FLOOD]
 */
const [limitArg, floodArg] = process.argv.slice(2).map(Number)
const LIMIT = limitArg || 4096
const FLOOD = floodArg || 3 * LIMIT
const HEALTH_PROBES = 200
const LOGIN_PROBES = 20
const PASSWORD = 'bench-password-123'

interface Probe {
  ms: number
  ok: boolean
}

/** One request on a connection of its own (as a load balancer's health check makes it). */
function timedRequest(url: string, method: string, path: string, body?: string): Promise<Probe> {
  const started = performance.now()
  return new Promise((resolve) => {
    const req = http.request(
      `${url}${path}`,
      {
        method,
        agent: false,
        timeout: 10_000,
        headers: body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ ms: performance.now() - started, ok: res.statusCode === 200 }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ ms: performance.now() - started, ok: false }))
    req.end(body)
  })
}

async function probe(url: string, handle: string) {
  const health: Probe[] = []
  for (let i = 0; i < HEALTH_PROBES; i++) health.push(await timedRequest(url, 'GET', '/healthz'))
  const login: Probe[] = []
  const credentials = JSON.stringify({ handle, password: PASSWORD })
  for (let i = 0; i < LOGIN_PROBES; i++)
    login.push(await timedRequest(url, 'POST', '/api/v1/sessions', credentials))
  return { health: summarise(health), login: summarise(login) }
}

function summarise(probes: Probe[]) {
  const ok = probes.filter((p) => p.ok).map((p) => p.ms)
  return {
    count: probes.length,
    failed: probes.length - ok.length,
    p50Ms: round(percentile(ok, 50)),
    p99Ms: round(percentile(ok, 99)),
    maxMs: round(Math.max(...ok)),
  }
}

const round = (n: number) => Math.round(n * 100) / 100

/** Opens `count` idle sockets from 127.0.x.y; resolves once each has connected or failed. */
async function openFlood(server: ServerProcess, count: number) {
  const sockets: net.Socket[] = []
  let failed = 0
  const started = performance.now()
  const batch = 200
  for (let from = 0; from < count; from += batch) {
    const opened = Array.from({ length: Math.min(batch, count - from) }, (_, j) => {
      const i = from + j
      const socket = net.connect({
        host: server.host,
        port: server.port,
        localAddress: `127.0.${1 + (i % 200)}.${2 + Math.floor(i / 200)}`,
      })
      socket.on('error', () => {})
      sockets.push(socket)
      return new Promise<void>((resolve) => {
        socket.once('connect', () => resolve())
        socket.once('error', () => {
          failed++
          resolve()
        })
      })
    })
    await Promise.all(opened)
  }
  const seconds = (performance.now() - started) / 1000
  return { sockets, failed, seconds }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.split(' ')[1]) : 0
}

const server = await startServerProcess({ BACKLOT_LOG_LEVEL: 'error' }, { openFileLimit: LIMIT })
try {
  const handle = 'bench'
  const reg = await fetch(`${server.url}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, displayName: 'Bench', password: PASSWORD }),
  })
  if (!reg.ok) throw new Error(`register failed: ${reg.status}`)

  const quiet = await probe(server.url, handle)
  const cpuBefore = server.cpuSeconds()
  const flood = await openFlood(server, FLOOD)
  const floodCpu = server.cpuSeconds() - cpuBefore
  const flooded = await probe(server.url, handle)
  await new Promise((resolve) => setTimeout(resolve, 500))
  const stillOpen = flood.sockets.filter((s) => !s.destroyed && s.readyState === 'open').length
  const result = {
    openFileLimit: LIMIT,
    flood: FLOOD,
    floodConnectSeconds: round(flood.seconds),
    floodConnectsPerSecond: Math.round(FLOOD / flood.seconds),
    floodConnectFailures: flood.failed,
    floodServerCpuSeconds: round(floodCpu),
    floodSocketsStillOpen: stillOpen,
    serverOpenConnections: await metric(server.url, 'backlot_open_connections'),
    evicted: await metric(server.url, 'backlot_connections_evicted_total'),
    serverRssMb: Math.round(server.rss() / 1_048_576),
    quiet,
    flooded,
  }
  for (const socket of flood.sockets) socket.destroy()

  printTable([
    { phase: 'no flood', probe: '/healthz', ...quiet.health },
    { phase: 'no flood', probe: 'login', ...quiet.login },
    { phase: `${FLOOD} idle`, probe: '/healthz', ...flooded.health },
    { phase: `${FLOOD} idle`, probe: 'login', ...flooded.login },
  ])
  console.log(
    `\nulimit -n ${LIMIT}: ${FLOOD} idle sockets connected in ${result.floodConnectSeconds} s ` +
      `(${result.floodConnectsPerSecond}/s, ${flood.failed} failed, server CPU ${result.floodServerCpuSeconds} s); ` +
      `the server holds ${result.serverOpenConnections} connections (${stillOpen} of the flood), ` +
      `closed ${result.evicted} idle ones to make room; RSS ${result.serverRssMb} MB`,
  )
  const out = path.join(import.meta.dirname, '../results/connections.json')
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: 'connections',
        date: new Date().toISOString(),
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
        ...result,
      },
      null,
      2,
    )}\n`,
  )
  console.log(`wrote ${path.relative(process.cwd(), out)}`)
} finally {
  await server.stop()
}
