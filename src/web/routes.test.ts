import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { webRoutes } from './routes.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function appWith(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'backlot-web-'))
  dirs.push(dir)
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), content)
  }
  const app = Fastify()
  const ctx = {
    config: { publicUrl: new URL('http://127.0.0.1:8080'), media: { delivery: { mode: 'proxy' } } },
  } as unknown as AppContext
  webRoutes(app as unknown as App, ctx, { distDir: dir })
  await app.ready()
  return app
}

describe('web app serving', () => {
  it('answers app paths with index.html (no-cache, CSP) and leaves other paths alone', async () => {
    const app = await appWith({
      'index.html': '<!doctype html><div id="app"></div>',
      'assets/index-abc123.js': 'console.log(1)',
      'sw.js': 'self',
      'manifest.webmanifest': '{}',
      'favicon.ico': 'ico',
      '.vite/manifest.json': '{"secret":true}',
    })
    for (const url of [
      '/',
      '/app',
      '/app/c/night-shoot',
      '/app/studio/x/p/y',
      '/join/night-shoot?invite=t',
    ]) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(200)
      expect(res.body).toContain('<div id="app">')
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    }
    const asset = await app.inject({ url: '/assets/index-abc123.js' })
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect((await app.inject({ url: '/sw.js' })).headers['cache-control']).toBe('no-cache')
    // Browsers ask for /favicon.ico whatever the page links: the app's icon, cached like the others.
    const favicon = await app.inject({ url: '/favicon.ico' })
    expect(favicon.statusCode).toBe(200)
    expect(favicon.headers['cache-control']).toBe('public, max-age=86400')
    // Not the app's: public pages, API, media, feeds, build metadata.
    for (const url of [
      '/c/night-shoot',
      '/api/v1/nope',
      '/media/x/y.jpg',
      '/embed/p/1',
      '/oembed',
      '/.vite/manifest.json',
      '/index.html',
      '/elsewhere',
    ]) {
      expect((await app.inject({ url })).statusCode, url).toBe(404)
    }
    await app.close()
  })

  it('says how to build the web app when web/dist is missing', async () => {
    const app = await appWith({})
    const res = await app.inject({ url: '/' })
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('npm run build')
    expect((await app.inject({ url: '/app/c/x' })).statusCode).toBe(503)
    expect((await app.inject({ url: '/api/v1/nope' })).statusCode).toBe(404)
    await app.close()
  })
})
