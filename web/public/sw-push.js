/*
 * Backlot Web Push handling for the service worker (issue 8). A plain classic script, so the app's
 * service worker loads it with `importScripts('/sw-push.js')` during its first evaluation.
 *
 * - `push`: shows the post's notification. The payload is the JSON the server sends
 *   (src/push/payload.ts): { title, body, url, tag, icon?, image?, postId, channel, timestamp }.
 *   The same tag for the same post means a later message about it (`update: true`, after an edit)
 *   replaces the shown one quietly.
 * - `notificationclick`: focuses a tab already showing the post, else brings an open Backlot tab to
 *   the post, else opens one.
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

  /** Tabs whose page may be replaced: not the studio or channel creation, where a draft may be open. */
  function isReusable(client) {
    const path = new URL(client.url).pathname
    return !/^\/app\/(studio|new)(\/|$)/.test(path)
  }

  /**
   * Focus may be refused (Chromium allows it only for a few seconds after a real click); the tab is
   * still the right one, so a refusal does not stop the navigation.
   */
  function focusQuietly(client) {
    return client.focus().catch(() => client)
  }

  /**
   * One tab per post: a tab already showing it is focused; otherwise an open Backlot tab (one this
   * worker controls, so it can be navigated) is focused and navigated to the post; only with no
   * tab open does a new window open. A fan who turned notifications on in the app does not collect
   * a new tab per notification.
   */
  async function openPost(target) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
    const showing = windows.find((w) => samePage(w.url, target.href))
    if (showing) return focusQuietly(showing)
    const controlled = await self.clients.matchAll({ type: 'window' })
    const reusable = controlled.find(isReusable)
    if (reusable) {
      await focusQuietly(reusable)
      const navigated = await reusable.navigate(target.href).catch(() => null)
      if (navigated) return navigated
    }
    return self.clients.openWindow(target.href)
  }

  self.addEventListener('notificationclick', (event) => {
    event.notification.close()
    event.waitUntil(openPost(targetOf(event.notification)))
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
