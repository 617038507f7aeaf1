/*
 * Backlot Web Push handling for the service worker (issue 8). A plain classic script, so the app's
 * service worker loads it with `importScripts('/sw-push.js')` during its first evaluation.
 *
 * - `push`: shows the post's notification. The payload is the JSON the server sends
 *   (src/push/payload.ts): { title, body, url, tag, icon?, image?, postId, channel, timestamp }.
 *   The same tag for the same post means a later message about it (`update: true`, after an edit)
 *   replaces the shown one quietly.
 * - `notificationclick`: focuses a tab already showing the post, or opens one.
 * - `pushsubscriptionchange`: the browser replaced the subscription; register the new one.
 */
;(() => {
  const DEFAULT_ICON = '/icons/icon-192.png'
  const SUBSCRIPTIONS = '/api/v1/push/subscriptions'

  function readPayload(data) {
    if (!data) return {}
    try {
      return data.json()
    } catch {
      return { body: data.text() }
    }
  }

  self.addEventListener('push', (event) => {
    const payload = readPayload(event.data)
    const options = {
      body: typeof payload.body === 'string' ? payload.body : '',
      icon: payload.icon || DEFAULT_ICON,
      badge: DEFAULT_ICON,
      tag: payload.tag || undefined,
      renotify: false,
      // An edited post replaces its notification without ringing again.
      silent: payload.update === true,
      timestamp: typeof payload.timestamp === 'number' ? payload.timestamp : Date.now(),
      data: { url: payload.url || '/', postId: payload.postId || null },
    }
    if (payload.image) options.image = payload.image
    event.waitUntil(self.registration.showNotification(payload.title || 'Backlot', options))
  })

  /** The URL to open: the payload's, if it is on this origin; the app's home otherwise. */
  function targetOf(notification) {
    const raw = notification.data?.url
    try {
      const url = new URL(raw || '/', self.location.origin)
      return url.origin === self.location.origin ? url : new URL('/', self.location.origin)
    } catch {
      return new URL('/', self.location.origin)
    }
  }

  function samePage(a, b) {
    const x = new URL(a)
    const y = new URL(b)
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '')
  }

  self.addEventListener('notificationclick', (event) => {
    event.notification.close()
    const target = targetOf(event.notification)
    event.waitUntil(
      self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
        const open = windows.find((w) => samePage(w.url, target.href))
        if (open) return open.focus()
        return self.clients.openWindow(target.href)
      }),
    )
  })

  self.addEventListener('pushsubscriptionchange', (event) => {
    event.waitUntil(
      (async () => {
        let subscription = event.newSubscription
        if (!subscription) {
          const key = await fetch('/api/v1/push/vapid-public-key').then((r) => r.json())
          subscription = await self.registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: key.publicKey,
          })
        }
        await fetch(SUBSCRIPTIONS, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-backlot-csrf': '1' },
          body: JSON.stringify(subscription.toJSON()),
        })
      })(),
    )
  })
})()
