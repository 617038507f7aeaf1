/**
 * Backlot's service worker: caches the app shell only, so the app installs and opens offline.
 * API calls, media, public pages and the live stream always go to the network — no stale API data
 * is ever served as fresh. Hashed assets (`/assets/*`) never change, so they are cache-first;
 * navigations are network-first and fall back to the cached shell when offline.
 */
const sw = self as unknown as ServiceWorkerGlobalScope

// Web Push (notifications for new posts) lives in its own classic script, owned by the push area.
sw.importScripts('/sw-push.js')

const CACHE = 'backlot-shell-v1'
const SHELL = ['/', '/manifest.webmanifest', '/icons/icon-192.png']
const NETWORK_ONLY = /^\/(api|media|c|embed|oembed|healthz|readyz|metrics)(\/|$)/
const APP_ROUTE = /^\/($|app(\/|$)|join\/)/

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => sw.skipWaiting()),
  )
})

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  )
})

sw.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== sw.location.origin || NETWORK_ONLY.test(url.pathname)) return
  if (req.mode === 'navigate') {
    if (APP_ROUTE.test(url.pathname)) event.respondWith(shellFirstFromNetwork(req))
    return
  }
  if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(req))
  else if (url.pathname.startsWith('/icons/') || url.pathname === '/manifest.webmanifest') {
    event.respondWith(cacheFirst(req))
  }
})

async function shellFirstFromNetwork(req: Request): Promise<Response> {
  const cache = await caches.open(CACHE)
  try {
    const res = await fetch(req)
    if (res.ok) await cache.put('/', res.clone())
    return res
  } catch {
    return (await cache.match('/')) ?? Response.error()
  }
}

async function cacheFirst(req: Request): Promise<Response> {
  const cache = await caches.open(CACHE)
  const hit = await cache.match(req)
  if (hit) return hit
  const res = await fetch(req)
  if (res.ok) await cache.put(req, res.clone())
  return res
}
