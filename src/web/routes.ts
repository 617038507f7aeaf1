import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyReply } from 'fastify'
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { mediaImageOrigins } from '../media/index.js'
import { analyticsRoutes } from './analytics.js'

/**
 * Serves the web app (web/dist, built by `npm run build:web`) at `/`.
 *
 * App routes — `/`, `/app/…` and invite links `/join/{slug}` — answer index.html (the client-side
 * router takes it from there). Everything else keeps its owner: `/api`, `/media`, the public pages
 * `/c/{slug}`, `/embed`, `/oembed`, `/healthz`, `/readyz`, `/metrics` are never matched here, and
 * unknown paths still get the API's 404 problem. Hashed files under `/assets/` are cached for a
 * year; index.html, the service worker and the manifest are revalidated on every load so a deploy
 * reaches users at once.
 */
export const APP_ROUTES = ['/', '/app', '/app/*', '/join/*'] as const

const here = path.dirname(fileURLToPath(import.meta.url))
/** src/web/ and dist/web/ are both two levels below the project root. */
export const defaultWebDist = path.resolve(here, '..', '..', 'web', 'dist')

export function webRoutes(app: App, ctx: AppContext, options: { distDir?: string } = {}): void {
  analyticsRoutes(app, ctx)
  const distDir = options.distDir ?? defaultWebDist
  const page = { schema: { hide: true }, config: { auth: 'none' as const, rateLimit: 'pages' as const } }

  if (!existsSync(path.join(distDir, 'index.html'))) {
    for (const url of APP_ROUTES) {
      app.get(url, page, async (_req, reply) =>
        reply
          .code(503)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(missingBuildPage),
      )
    }
    return
  }

  // One scope for the files and the shell (which needs reply.sendFile): @fastify/static takes no
  // route config, so its file routes get the `pages` rate-limit bucket from this scope's hook.
  app.register(async (files) => {
    files.addHook('onRoute', (route) => {
      route.config = { ...route.config, rateLimit: 'pages' }
    })
    await files.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      // Files are listed once at start (a deploy restarts the server); no catch-all route that
      // would shadow the API's 404s.
      wildcard: false,
      index: false,
      dotfiles: 'ignore',
      globIgnore: ['.vite/**', 'index.html'],
      cacheControl: false,
      setHeaders: (res, filePath) => {
        res.header('cache-control', cacheControlFor(path.relative(distDir, filePath)))
        res.header('x-content-type-options', 'nosniff')
      },
    })
    for (const url of APP_ROUTES) {
      files.get(url, page, async (_req, reply) => sendShell(reply, ctx))
    }
  })
}

export function cacheControlFor(relative: string): string {
  const file = relative.split(path.sep).join('/')
  if (file.startsWith('assets/')) return 'public, max-age=31536000, immutable'
  if (file.startsWith('icons/') || file === 'favicon.ico') return 'public, max-age=86400'
  return 'no-cache' // sw.js, manifest.webmanifest
}

function sendShell(reply: FastifyReply, ctx: AppContext) {
  return reply
    .header('cache-control', 'no-cache')
    .header(
      'content-security-policy',
      shellCsp(ctx.config.publicUrl, mediaImageOrigins(ctx.config.media.delivery)),
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .sendFile('index.html', { cacheControl: false })
}

/**
 * Scripts only from this server; media URLs are absolute BACKLOT_PUBLIC_URL links (which may redirect to
 * `mediaOrigins`, the S3 store with BACKLOT_S3_MEDIA_DELIVERY=redirect), the stream is ws(s).
 */
export function shellCsp(publicUrl: URL, mediaOrigins: readonly string[] = []): string {
  const origin = publicUrl.origin
  const ws = `${publicUrl.protocol === 'https:' ? 'wss:' : 'ws:'}//${publicUrl.host}`
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data: ${[origin, ...mediaOrigins].join(' ')}`,
    `media-src 'self' blob: ${[origin, ...mediaOrigins].join(' ')}`,
    `connect-src 'self' ${origin} ${ws}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

const missingBuildPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backlot: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>The web app is not built</h1>
<p>This Backlot server is running, and its API answers under <code>/api/v1</code>, but the web app
(<code>web/dist</code>) is missing. Run <code>npm run build</code> (or <code>npm run build:web</code>)
and restart the server.</p>
</body></html>
`
