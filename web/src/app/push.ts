/**
 * Web Push on this device (issue 8): whether the browser can do it, what state this device is in,
 * and turning it on or off. The server keeps one subscription per device (src/push); the browser
 * keeps its own `PushSubscription`. "On" means both agree: the browser has a subscription and the
 * server has a device with the same endpoint. The service worker (web/public/sw-push.js) shows what
 * arrives.
 */
import { api } from './api.js'
import { t } from './i18n.js'
import { deviceLabel } from './push-help.js'

/** A device as GET /api/v1/push/subscriptions lists it. */
export interface PushDevice {
  id: string
  endpoint: string
  label: string | null
  createdAt: string
  updatedAt: string
  expiresAt: string | null
}

const SUBSCRIPTIONS = '/api/v1/push/subscriptions'

/** base64url (padded or not) to bytes: `applicationServerKey` wants the raw 65-byte key. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
  if (!/^[A-Za-z0-9+/]*$/.test(b64) || b64.length % 4 === 1) {
    throw new Error(t('push.badKey'))
  }
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/** Whether a subscription was made with this key (false when the browser does not say). */
export function isSameKey(existing: ArrayBuffer | null | undefined, key: Uint8Array): boolean {
  if (!existing || existing.byteLength !== key.length) return false
  const bytes = new Uint8Array(existing)
  return bytes.every((b, i) => b === key[i])
}

export type Unsupported = 'insecure' | 'no-push' | 'ios-home-screen'

export interface BrowserFacts {
  isSecureContext: boolean
  hasServiceWorker: boolean
  hasPushManager: boolean
  hasNotification: boolean
  userAgent: string
  /** Opened from the home screen (display-mode: standalone). */
  isStandalone: boolean
}

export function browserFacts(): BrowserFacts {
  return {
    isSecureContext: window.isSecureContext,
    hasServiceWorker: 'serviceWorker' in navigator,
    hasPushManager: 'PushManager' in window,
    hasNotification: 'Notification' in window,
    userAgent: navigator.userAgent,
    isStandalone: window.matchMedia?.('(display-mode: standalone)').matches === true,
  }
}

/** Why this browser cannot receive push, or null when it can. */
export function unsupportedReason(facts: BrowserFacts): Unsupported | null {
  if (!facts.isSecureContext) return 'insecure'
  const complete = facts.hasServiceWorker && facts.hasPushManager && facts.hasNotification
  // iOS and iPadOS (16.4+) offer Web Push only to a web app opened from the Home Screen.
  const isIos = /iPhone|iPad|iPod/.test(facts.userAgent)
  if (isIos && (!complete || !facts.isStandalone)) return 'ios-home-screen'
  return complete ? null : 'no-push'
}

export type DeviceState =
  | { kind: 'unsupported'; reason: Unsupported }
  | { kind: 'blocked' }
  | { kind: 'off' }
  | { kind: 'on'; device: PushDevice }

/**
 * This device's state. A browser subscription the server does not know (removed from another
 * device, or pruned after the push service refused it) counts as off: turning on registers it again.
 */
export function deviceState(input: {
  unsupported: Unsupported | null
  permission: NotificationPermission
  endpoint: string | null
  devices: readonly PushDevice[]
}): DeviceState {
  if (input.unsupported) return { kind: 'unsupported', reason: input.unsupported }
  if (input.permission === 'denied') return { kind: 'blocked' }
  const device = input.endpoint ? input.devices.find((d) => d.endpoint === input.endpoint) : undefined
  return device ? { kind: 'on', device } : { kind: 'off' }
}

export const listDevices = () => api.get<{ items: PushDevice[] }>(SUBSCRIPTIONS).then((r) => r.items)

/** The service worker registration, registering it if the page has not yet (main.tsx does on load). */
async function registration(): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration('/')
  if (!existing) await navigator.serviceWorker.register('/sw.js', { scope: '/' })
  return navigator.serviceWorker.ready
}

/** This browser's current subscription endpoint, if any. */
export async function currentEndpoint(): Promise<string | null> {
  const reg = await navigator.serviceWorker?.getRegistration('/')
  const subscription = await reg?.pushManager?.getSubscription()
  return subscription?.endpoint ?? null
}

/**
 * Asks for permission, subscribes with the server's VAPID key and registers the device. A browser
 * subscription made with another key (the operator replaced it) is replaced; when the server
 * refuses the device, the browser subscription is dropped again so both sides agree.
 */
export async function turnOn(): Promise<PushDevice> {
  const permission = await Notification.requestPermission()
  if (permission === 'denied') throw new Error(t('push.blockedError'))
  if (permission !== 'granted') throw new Error(t('push.allowError'))
  const reg = await registration()
  const { publicKey } = await api.get<{ publicKey: string }>('/api/v1/push/vapid-public-key')
  const key = base64UrlToBytes(publicKey)
  let subscription = await reg.pushManager.getSubscription()
  if (subscription && !isSameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe()
    subscription = null
  }
  subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  const json = subscription.toJSON()
  try {
    return await api.post<PushDevice>(SUBSCRIPTIONS, {
      endpoint: subscription.endpoint,
      expirationTime: json.expirationTime ?? null,
      keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
      label: deviceLabel(navigator.userAgent),
    })
  } catch (error) {
    await subscription.unsubscribe().catch(() => false)
    throw error
  }
}

/** Forgets a device on the server; when it is this browser's, unsubscribes here too. */
export async function removeDevice(device: PushDevice): Promise<void> {
  await api.delete(`${SUBSCRIPTIONS}/${encodeURIComponent(device.id)}`)
  const reg = await navigator.serviceWorker?.getRegistration('/')
  const subscription = await reg?.pushManager.getSubscription()
  if (subscription?.endpoint === device.endpoint) await subscription.unsubscribe()
}
