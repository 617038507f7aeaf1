import type { Browser, BrowserContext, CDPSession, Page, Worker } from 'playwright-core'
import type { TestDevice } from '../_util/push-service.js'
import { collectErrors, type Person } from './helpers.js'

/** Where the page's stand-in subscription is kept (survives navigations, as a real one does). */
export const FAKE_SUBSCRIPTION_KEY = 'test.pushSubscription'

/**
 * A phone-sized tab logged in as `person` with the service worker allowed (helpers.ts `openAs`
 * blocks it), whose PushManager hands out `device`'s subscription.
 *
 * Why the stand-in: headless Chromium has no connection to a real push service (FCM), so a real
 * `PushManager.subscribe()` fails with AbortError ("Registration failed - push service error"). The
 * init script replaces `subscribe` / `getSubscription` in the page only, returning a subscription
 * whose endpoint is the loopback push service (test/_util/push-service.ts) and whose keys are that
 * service's test keys: the server then encrypts for keys the service holds, and the service decrypts
 * what the server sends. Everything else — permission, service worker, VAPID key, the API calls,
 * the UI — is the real thing. The key the page passed is kept so the test can check it.
 */
export async function openPushTab(
  browser: Browser,
  baseUrl: string,
  person: Person,
  device: TestDevice,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 1,
    serviceWorkers: 'allow',
  })
  await context.addCookies([{ name: 'backlot_session', value: person.cookie, url: baseUrl }])
  await context.addInitScript(fakePushManager, {
    storageKey: FAKE_SUBSCRIPTION_KEY,
    endpoint: device.endpoint,
    keys: device.keys,
  })
  const page = await context.newPage()
  return { context, page, errors: collectErrors(page) }
}

/**
 * Runs in the page before its scripts (serialised by Playwright, so self-contained). Typed loosely:
 * the test project compiles without the DOM library.
 */
function fakePushManager(args: {
  storageKey: string
  endpoint: string
  keys: { p256dh: string; auth: string }
}) {
  const g = globalThis as any
  const toBuffer = (b64url: string): ArrayBuffer => {
    const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/')
    const binary: string = g.atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer
  }
  const toBase64Url = (bytes: Uint8Array): string =>
    g
      .btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  const subscription = (applicationServerKey: string) => ({
    endpoint: args.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: toBuffer(applicationServerKey) },
    getKey: (name: 'p256dh' | 'auth') => toBuffer(args.keys[name]),
    toJSON: () => ({ endpoint: args.endpoint, expirationTime: null, keys: { ...args.keys } }),
    unsubscribe: async () => {
      g.localStorage.removeItem(args.storageKey)
      return true
    },
  })
  g.PushManager.prototype.subscribe = async (options?: {
    userVisibleOnly?: boolean
    applicationServerKey?: any
  }) => {
    // The same preconditions a real subscribe() enforces.
    if (g.Notification.permission !== 'granted')
      throw new g.DOMException('Permission denied', 'NotAllowedError')
    if (!options?.userVisibleOnly) throw new g.DOMException('userVisibleOnly is required', 'NotAllowedError')
    const key = options.applicationServerKey
    if (!key || typeof key === 'string')
      throw new g.DOMException('the key must be bytes', 'InvalidAccessError')
    const bytes =
      key instanceof ArrayBuffer
        ? new Uint8Array(key)
        : new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
    const applicationServerKey = toBase64Url(bytes)
    g.localStorage.setItem(args.storageKey, JSON.stringify({ applicationServerKey }))
    return subscription(applicationServerKey)
  }
  g.PushManager.prototype.getSubscription = async () => {
    const saved = g.localStorage.getItem(args.storageKey)
    return saved ? subscription(JSON.parse(saved).applicationServerKey) : null
  }
}

/**
 * Hands `payload` to the page's service worker as the browser's push service would (DevTools'
 * ServiceWorker.deliverPushMessage) and waits until the worker shows its notification (the
 * payload's `tag`). The worker is woken first and must be active. DevTools' delivery is
 * fire-and-forget: on a loaded machine Chromium can drop a message (seen in CI: the notification
 * never appeared, twice in one run), where a real push service keeps a message until the browser
 * acknowledges it. So a message that shows nothing within a few seconds is handed over again, up
 * to three times; the same tag replaces a notification, so a late first delivery is not counted
 * twice. A worker that never shows the notification still fails the test.
 */
export async function deliverPush(
  context: BrowserContext,
  page: Page,
  baseUrl: string,
  payload: { tag: string },
) {
  for (let attempt = 1; ; attempt++) {
    await deliverPushOnce(context, page, baseUrl, payload)
    const deadline = Date.now() + 5_000
    while (Date.now() < deadline) {
      if ((await notificationsTagged(page, payload.tag)) > 0) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    if (attempt === 3)
      throw new Error(`the service worker showed no notification tagged ${payload.tag} after 3 deliveries`)
  }
}

async function deliverPushOnce(context: BrowserContext, page: Page, baseUrl: string, payload: unknown) {
  let [worker] = context.serviceWorkers()
  if (!worker) {
    // Stopped while idle: a message from the page starts it again.
    const started = context.waitForEvent('serviceworker')
    await page.evaluate(async () => {
      const registration = await (globalThis as any).navigator.serviceWorker.ready
      registration.active.postMessage('wake')
    })
    worker = await started
  }
  const state = await worker.evaluate(() => (globalThis as any).registration.active?.state)
  if (state !== 'activated') throw new Error(`the service worker is ${state ?? 'not active'}`)
  const cdp = await context.newCDPSession(page)
  try {
    const registrationId = await serviceWorkerRegistrationId(cdp, `${baseUrl}/`)
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: baseUrl,
      registrationId,
      data: JSON.stringify(payload),
    })
  } finally {
    await cdp.detach()
  }
}

/** How many notifications with this tag the page's service worker shows. */
function notificationsTagged(page: Page, tag: string): Promise<number> {
  return page.evaluate(async (tag) => {
    const registration = await (globalThis as any).navigator.serviceWorker.ready
    return (await registration.getNotifications({ tag })).length
  }, tag)
}

/** The service worker registration id DevTools knows the origin's registration by. */
export async function serviceWorkerRegistrationId(cdp: CDPSession, scopeUrl: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const registration = registrations.find((r) => r.scopeURL === scopeUrl && !r.isDeleted)
      if (registration) resolve(registration.registrationId)
    })
  })
  // Enabling the domain reports every existing registration.
  await cdp.send('ServiceWorker.enable')
  return found
}

/**
 * Dispatches `notificationclick` for the shown notification with this tag inside the service worker,
 * and returns how its handler's `waitUntil` promise settled. A synthetic event is untrusted, so its
 * own `waitUntil` throws: the handler's promise is captured by replacing it on the instance.
 */
export async function clickNotification(worker: Worker, tag: string): Promise<string> {
  return worker.evaluate(async (tag) => {
    const sw = globalThis as any
    const [notification] = await sw.registration.getNotifications({ tag })
    if (!notification) return 'no notification'
    const event = new sw.NotificationEvent('notificationclick', { notification })
    let handled: Promise<unknown> = Promise.resolve()
    Object.defineProperty(event, 'waitUntil', { value: (p: Promise<unknown>) => (handled = p) })
    sw.dispatchEvent(event)
    return handled.then(
      () => 'fulfilled',
      (e: unknown) => `rejected: ${String(e)}`,
    )
  }, tag)
}
