import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../_util/server.js'
import { plainClip } from '../_util/videos.js'
import { assertWebBuilt, launchBrowser, openAs, type Person, seedShow } from './helpers.js'

/**
 * Issue 20: a creator attaches a WebVTT caption track to a clip in the studio; the fan app and the
 * public post page play the clip with a `<track kind="captions">` whose cues Chromium has parsed.
 */
interface TrackInfo {
  kind: string
  srclang: string
  label: string
  mode: string
  cues: string[]
}

/** Waits for the first caption track of the video to load and returns what Chromium parsed. */
function readTrack(el: unknown): Promise<TrackInfo> {
  type Track = {
    kind: string
    language: string
    label: string
    mode: string
    cues: { length: number; [i: number]: { text: string } } | null
  }
  type TrackElement = { readyState: number; track: Track; addEventListener(t: string, f: () => void): void }
  const video = el as { querySelector(s: string): TrackElement | null }
  const element = video.querySelector('track')
  if (!element) return Promise.reject(new Error('no <track>'))
  return new Promise((resolve, reject) => {
    const done = () => {
      const t = element.track
      const cues = t.cues ? Array.from({ length: t.cues.length }, (_, i) => t.cues![i]!.text) : []
      resolve({ kind: t.kind, srclang: t.language, label: t.label, mode: t.mode, cues })
    }
    if (element.readyState === 2) return done()
    element.addEventListener('load', done)
    element.addEventListener('error', () => reject(new Error('the track did not load')))
    setTimeout(() => reject(new Error(`track readyState ${element.readyState}`)), 15_000)
  })
}

const VTT = 'WEBVTT\n\n00:00.000 --> 00:02.500\n<v Director>Action! Take three.</v>\n'

describe('video captions (browser, sqlite)', () => {
  let server: TestServer
  let browser: Browser
  let creator: Person
  let fan: Person
  const slug = 'caption-unit'

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer('sqlite', { env: { BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '50' } })
    browser = await launchBrowser()
    const show = await seedShow(server.url, {
      creator: 'captioner',
      fans: ['fanone'],
      slug,
      title: 'Caption Unit',
    })
    creator = show.creator
    fan = show.fans[0]
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('attaches captions in the studio; the app and the post page show a track with cues', async () => {
    const studio = await openAs(browser, server.url, creator)
    const composer = studio.page
    await composer.goto(`${server.url}/app/studio/${slug}`)
    await composer.locator('#post-text').fill('Take three, with captions.')
    await composer
      .locator('#photo-input')
      .setInputFiles([{ name: 'take3.mp4', mimeType: 'video/mp4', buffer: await plainClip(3, 640, 360) }])
    await expect.poll(() => composer.locator('[data-upload="ready"]').count(), { timeout: 60_000 }).toBe(1)
    await composer.getByPlaceholder('Describe the photo for people who can’t see it').fill('The car jump')
    // A hostile file first: refused with the server's reason, nothing attached.
    await composer.getByLabel('Caption file for video 1').setInputFiles({
      name: 'bad.vtt',
      mimeType: 'text/vtt',
      buffer: Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\n<img src=x onerror=alert(1)>\n'),
    })
    await composer.getByRole('button', { name: 'Add captions' }).click()
    await composer.getByText('The captions were refused').waitFor()
    await composer.getByLabel('Caption file for video 1').setInputFiles({
      name: 'take3.en.vtt',
      mimeType: 'text/vtt',
      buffer: Buffer.from(VTT),
    })
    await composer.getByRole('button', { name: 'Add captions' }).click()
    await composer.getByText('English (en)').waitFor()
    await composer.screenshot({ path: 'docs/screenshots/studio-captions.png', fullPage: true })
    await composer.getByRole('button', { name: 'Publish', exact: true }).click()
    await composer.getByText('Published.').waitFor()

    const tab = await openAs(browser, server.url, fan)
    const page = tab.page
    await page.goto(`${server.url}/app/c/${slug}`)
    const video = page.locator('article.post video[data-video]')
    await video.waitFor({ timeout: 15_000 })
    const inApp = await video.evaluate(readTrack)
    expect(inApp).toEqual({
      kind: 'captions',
      srclang: 'en',
      label: 'English',
      mode: 'showing',
      cues: ['<v Director>Action! Take three.</v>'],
    })
    // Play (muted, no user gesture in a test) to half a second so the caption is on screen.
    await video.evaluate(
      (el) =>
        new Promise<void>((resolve) => {
          const v = el as unknown as {
            muted: boolean
            currentTime: number
            play(): Promise<void>
            pause(): void
            addEventListener(t: string, f: () => void): void
          }
          v.muted = true
          v.addEventListener('timeupdate', () => {
            if (v.currentTime >= 0.5) {
              v.pause()
              resolve()
            }
          })
          void v.play()
        }),
    )
    await video.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'docs/screenshots/video-captions-phone.png' })

    const listed = (await (await fetch(`${server.url}/api/v1/channels/${slug}/posts`)).json()) as {
      items: { id: string }[]
    }
    const publicPage = await browser.newPage()
    await publicPage.goto(`${server.url}/c/${slug}/p/${listed.items[0]!.id}`)
    const onPage = await publicPage.locator('video').first().evaluate(readTrack)
    expect(onPage.cues).toEqual(['<v Director>Action! Take three.</v>'])
    expect(onPage.srclang).toBe('en')
    await publicPage.close()
  })
})
