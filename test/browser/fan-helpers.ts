import type { Page } from 'playwright-core'
import { type Person, photo } from './helpers.js'

/**
 * Set-up for the fan app's browser tests (fan-*.test.ts): uploads made with a person's session as
 * the studio makes them, and the seed story's production facts.
 */

export interface UploadedMedia {
  id: string
  status?: string
}

/** POSTs one photo to /api/v1/media with `person`'s session cookie; waits until it is ready. */
export async function uploadPhoto(
  baseUrl: string,
  person: Person,
  size: { width: number; height: number; hue: number },
  fields: { alt?: string; credit?: string } = {},
): Promise<UploadedMedia> {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  const bytes = await photo(size.width, size.height, size.hue)
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'still.jpg')
  const headers = { cookie: `backlot_session=${person.cookie}`, 'x-backlot-csrf': '1' }
  const res = await fetch(`${baseUrl}/api/v1/media`, { method: 'POST', headers, body: form })
  if (res.status !== 201 && res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`)
  let media = (await res.json()) as UploadedMedia
  for (let i = 0; media.status === 'processing' && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100))
    media = (await (await fetch(`${baseUrl}/api/v1/media/${media.id}`, { headers })).json()) as UploadedMedia
  }
  if (media.status && media.status !== 'ready') throw new Error(`upload ended ${media.status}`)
  return media
}

/** An 8-chapter season filmed over 14 weeks, filming started 14 weeks ago (docs/api.md "Production"). */
export function seasonFacts(now = new Date()) {
  const start = new Date(now.getTime() - 13 * 7 * 86_400_000).toISOString().slice(0, 10)
  return {
    kind: 'series',
    title: 'The Night Shoot',
    season: 2,
    chapters: [
      'Pilot',
      'Arrivals',
      'The Pier',
      'Undertow',
      'Lights Out',
      'Crossing',
      'The Crane',
      'Last Light',
    ].map((title) => ({ title })),
    filmingStartsOn: start,
    filmingWeeks: 14,
  }
}

/** Does box a overlap box b (both from locator.boundingBox())? */
export function overlaps(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/** A one-finger horizontal swipe through DevTools' touch input (real touchstart/move/end events). */
export async function swipe(page: Page, from: { x: number; y: number }, dx: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const point = (x: number) => [{ x, y: from.y }]
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(from.x) })
  for (let i = 1; i <= 5; i++) {
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchMove',
      touchPoints: point(from.x + (dx * i) / 5),
    })
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

/** A two-finger pinch around `center`, the fingers `from` px apart moving to `to` px apart. */
export async function pinch(
  page: Page,
  center: { x: number; y: number },
  from: number,
  to: number,
): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const points = (gap: number) => [
    { x: center.x - gap / 2, y: center.y, id: 1 },
    { x: center.x + gap / 2, y: center.y, id: 2 },
  ]
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(from) })
  for (let i = 1; i <= 5; i++) {
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchMove',
      touchPoints: points(from + ((to - from) * i) / 5),
    })
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}
