import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip, voiceNote } from '../_util/videos.js'
import { apiAs, assertWebBuilt, launchBrowser, openAs, type Person, seedShow } from './helpers.js'

/**
 * Issue 20: a creator posts a clip and a voice note from the studio; a fan's phone plays the H.264
 * rendition in Debian's Chromium (the video reaches `canplay` and plays past a second) and shows
 * the voice note with its waveform; a spoiler clip stays a blurred cover until tapped.
 */
/** What the tests read of a <video> or <audio> element (test code has no DOM types). */
interface Playable {
  autoplay: boolean
  preload: string
  controls: boolean
  playsInline: boolean
  muted: boolean
  readyState: number
  currentTime: number
  currentSrc: string
  error: { code: number } | null
  play(): Promise<void>
  load(): void
  addEventListener(type: string, listener: () => void): void
}

describe('video and voice playback (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let creator: Person
  let fan: Person
  const slug = 'stunt-unit'

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite', { env: { BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' } })
    browser = await launchBrowser()
    const show = await seedShow(server.url, {
      creator: 'stuntcoord',
      fans: ['fanone'],
      slug,
      title: 'Stunt Unit',
      description: 'Rehearsals and voice notes from the second unit.',
    })
    creator = show.creator
    fan = show.fans[0]
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('uploads a clip and a voice note in the studio, then plays them on a fan’s phone', async () => {
    const studio = await openAs(browser, server.url, creator)
    const composer = studio.page
    await composer.goto(`${server.url}/app/studio/${slug}`)
    await composer.locator('#post-text').fill('Rehearsal, take 3 — and a note from the director.')
    const [clip, voice] = await Promise.all([plainClip(3, 640, 360), voiceNote(3)])
    await composer.locator('#photo-input').setInputFiles([
      { name: 'take3.mp4', mimeType: 'video/mp4', buffer: clip },
      { name: 'note.webm', mimeType: 'audio/webm', buffer: voice },
    ])
    await expect.poll(() => composer.locator('[data-upload="ready"]').count(), { timeout: 60_000 }).toBe(2)
    const alts = composer.getByPlaceholder('Describe the photo for people who can’t see it')
    await alts.nth(0).fill('The car jump, seen from the crane')
    await alts.nth(1).fill('The director on the next set-up')
    await composer.getByRole('button', { name: 'Publish', exact: true }).click()
    await composer.getByText('Published.').waitFor()

    const tab = await openAs(browser, server.url, fan)
    const page = tab.page
    await page.goto(`${server.url}/app/c/${slug}`)
    const video = page.locator('article.post video[data-video]')
    await video.waitFor({ timeout: 15_000 })
    expect(
      await video.evaluate((el) => {
        const v = el as unknown as Playable
        return [v.autoplay, v.preload, v.controls, v.playsInline]
      }),
    ).toEqual([false, 'metadata', true, true])
    const voiceNoteFigure = page.locator('article.post [data-voice]')
    await voiceNoteFigure.waitFor()
    expect(await voiceNoteFigure.locator('.waveform span').count()).toBe(64)
    await page
      .locator('article.post')
      .first()
      .evaluate((e) => e.scrollIntoView())
    await page.screenshot({ path: 'docs/screenshots/video-post-phone.png' })

    // Debian's Chromium decodes H.264: the rendition becomes playable and plays past one second
    // (muted: a test has no user gesture, and the app never autoplays with sound).
    const played = await video.evaluate(
      (el) =>
        new Promise<{ canPlay: boolean; time: number; source: string }>((resolve, reject) => {
          const v = el as unknown as Playable
          const timer = setTimeout(
            () => reject(new Error(`stuck at ${v.currentTime}s, error ${v.error?.code}`)),
            20_000,
          )
          let canPlay = v.readyState >= 3
          v.addEventListener('canplay', () => {
            canPlay = true
          })
          v.addEventListener('timeupdate', () => {
            if (v.currentTime < 1) return
            clearTimeout(timer)
            resolve({ canPlay, time: v.currentTime, source: v.currentSrc })
          })
          v.muted = true
          v.play().catch(reject)
        }),
    )
    expect(played.canPlay).toBe(true)
    expect(played.time).toBeGreaterThanOrEqual(1)
    expect(played.source).toMatch(/\/480p\.mp4$/)

    const audioReady = await voiceNoteFigure.locator('audio').evaluate(
      (el) =>
        new Promise<string>((resolve, reject) => {
          const a = el as unknown as Playable
          const timer = setTimeout(() => reject(new Error(`audio error ${a.error?.code}`)), 15_000)
          const done = () => {
            clearTimeout(timer)
            resolve(a.currentSrc)
          }
          if (a.readyState >= 1) done()
          a.addEventListener('loadedmetadata', done)
          a.load()
        }),
    )
    expect(audioReady).toMatch(/\/voice\.ogg$/)
    expect(tab.errors).toEqual([])
    expect(studio.errors).toEqual([])
    await tab.context.close()
    await studio.context.close()
  })

  it('keeps a spoiler clip a cover until tapped, then plays it', async () => {
    const clip = await plainClip(2, 320, 180)
    const form = new FormData()
    form.append('file', new Blob([clip], { type: 'video/mp4' }), 'finale.mp4')
    form.append('spoiler', 'true')
    form.append('spoilerLabel', 'Chapter 8 finale')
    const res = await fetch(`${server.url}/api/v1/media`, {
      method: 'POST',
      headers: { cookie: `backlot_session=${creator.cookie}`, 'x-backlot-csrf': '1' },
      body: form,
    })
    const media = (await res.json()) as { id: string }
    expect(res.status, JSON.stringify(media)).toBe(201)
    await apiAs(server.url, creator, 'POST', `/api/v1/channels/${slug}/posts`, {
      text: 'No peeking',
      media: [{ id: media.id }],
    })
    const tab = await openAs(browser, server.url, fan)
    await tab.page.goto(`${server.url}/app/c/${slug}`)
    const cover = tab.page.locator('article.post [data-spoiler="hidden"]').first()
    await cover.waitFor({ timeout: 15_000 })
    expect(await tab.page.locator(`video[data-video="${media.id}"]`).count()).toBe(0)
    await cover.click()
    await tab.page.locator(`video[data-video="${media.id}"]`).waitFor()
    await tab.context.close()
  })
})
