import fs from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'

/**
 * web/public/sw-push.js run in a fake service worker scope: what it shows for a push and what a
 * click opens. (The browser test with a real push through Chromium's DevTools protocol comes with
 * the web app.)
 */
const source = fs.readFileSync(path.resolve(import.meta.dirname, '../web/public/sw-push.js'), 'utf8')

function loadWorker(windows: Array<{ url: string; refusesNavigation?: boolean }> = []) {
  const listeners = new Map<string, (event: any) => void>()
  const shown: Array<{ title: string; options: any }> = []
  const focused: string[] = []
  const opened: string[] = []
  const navigated: string[] = []
  const clients = windows.map((w) => ({
    ...w,
    focus: async () => focused.push(w.url),
    // A window client's navigate() resolves with the client, or null when the page is not ours.
    navigate: async (url: string) => {
      if (w.refusesNavigation) throw new TypeError('navigation refused')
      navigated.push(url)
      return { url }
    },
  }))
  const self = {
    location: new URL('https://backlot.example/sw.js'),
    addEventListener: (type: string, fn: (event: any) => void) => listeners.set(type, fn),
    registration: { showNotification: async (title: string, options: any) => shown.push({ title, options }) },
    clients: {
      matchAll: async () => clients,
      openWindow: async (url: string) => opened.push(url),
    },
  }
  vm.runInNewContext(source, { self, URL, Date, JSON, fetch })
  async function dispatch(type: string, event: Record<string, unknown>) {
    const pending: Promise<unknown>[] = []
    listeners.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => pending.push(p) })
    await Promise.all(pending)
  }
  return { dispatch, shown, focused, opened, navigated, has: (type: string) => listeners.has(type) }
}

const payload = {
  title: 'The Show — Set Diary',
  body: 'New album: 10 photos',
  url: 'https://backlot.example/c/set-diary/p/01J0POST',
  tag: 'post:01J0POST',
  icon: 'https://backlot.example/media/m1/320.jpg',
  image: 'https://backlot.example/media/m1/320.jpg',
  postId: '01J0POST',
  channel: 'set-diary',
  timestamp: 1_700_000_000_000,
}
const pushEvent = (data: unknown) => ({ data: { json: () => data, text: () => JSON.stringify(data) } })

describe('sw-push.js', () => {
  it('shows the pushed post as a notification tagged with the post', async () => {
    const worker = loadWorker()
    await worker.dispatch('push', pushEvent(payload))
    expect(worker.shown).toHaveLength(1)
    expect(worker.shown[0]!.title).toBe('The Show — Set Diary')
    expect(worker.shown[0]!.options).toMatchObject({
      body: 'New album: 10 photos',
      icon: payload.icon,
      image: payload.image,
      tag: 'post:01J0POST',
      renotify: false,
      silent: false,
      timestamp: payload.timestamp,
      data: { url: payload.url, postId: '01J0POST' },
    })
    expect(worker.has('pushsubscriptionchange')).toBe(true)
  })

  it('replaces the notification quietly when the post was edited', async () => {
    const worker = loadWorker()
    await worker.dispatch('push', pushEvent({ ...payload, body: 'New album: 12 photos', update: true }))
    expect(worker.shown[0]!.options).toMatchObject({ tag: 'post:01J0POST', silent: true, renotify: false })
  })

  it('falls back to the app icon and no image when the post has none', async () => {
    const worker = loadWorker()
    await worker.dispatch('push', pushEvent({ ...payload, icon: undefined, image: undefined }))
    expect(worker.shown[0]!.options.icon).toBe('/icons/icon-192.png')
    expect(worker.shown[0]!.options).not.toHaveProperty('image')
  })

  it('focuses a tab already showing the post instead of opening another', async () => {
    const worker = loadWorker([{ url: 'https://backlot.example/' }, { url: `${payload.url}/` }])
    const notification = { data: { url: payload.url }, close: () => {} }
    await worker.dispatch('notificationclick', { notification })
    expect(worker.focused).toEqual([`${payload.url}/`])
    expect(worker.opened).toEqual([])
  })

  it('moves an open Backlot tab to the post instead of opening a second one', async () => {
    const worker = loadWorker([{ url: 'https://backlot.example/app' }])
    let closed = false
    await worker.dispatch('notificationclick', {
      notification: { data: { url: payload.url }, close: () => (closed = true) },
    })
    expect(closed).toBe(true)
    expect(worker.focused).toEqual(['https://backlot.example/app'])
    expect(worker.navigated).toEqual([payload.url])
    expect(worker.opened).toEqual([])
  })

  it('never replaces a studio tab, where a draft may be open: opens a window instead', async () => {
    const worker = loadWorker([{ url: 'https://backlot.example/app/studio/set-diary' }])
    await worker.dispatch('notificationclick', { notification: { data: { url: payload.url }, close() {} } })
    expect(worker.navigated).toEqual([])
    expect(worker.opened).toEqual([payload.url])
  })

  it('opens the post when no tab is open, or when the open tab cannot be navigated', async () => {
    const none = loadWorker()
    await none.dispatch('notificationclick', { notification: { data: { url: payload.url }, close() {} } })
    expect(none.opened).toEqual([payload.url])
    const refusing = loadWorker([{ url: 'https://backlot.example/', refusesNavigation: true }])
    await refusing.dispatch('notificationclick', { notification: { data: { url: payload.url }, close() {} } })
    expect(refusing.opened).toEqual([payload.url])
  })

  it('never opens a foreign origin: its URL becomes the app home page', async () => {
    const worker = loadWorker([{ url: 'https://backlot.example/' }])
    await worker.dispatch('notificationclick', {
      notification: { data: { url: 'https://evil.example/' }, close() {} },
    })
    // The home page is already open in a tab: focused, nothing opened, nothing foreign navigated to.
    expect(worker.focused).toEqual(['https://backlot.example/'])
    expect(worker.opened).toEqual([])
    expect(worker.navigated).toEqual([])
  })
})
