import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { apiAs, assertWebBuilt, launchBrowser, type Person, photo, register, seedShow } from './helpers.js'
import { docScreenshots, futureWallTime, openStudio } from './studio-helpers.js'

// Asia/Kolkata is UTC+5:30 all year: no daylight saving to trip over, and a half-hour offset that a
// picker treating local time as UTC (or ignoring minutes of the offset) would get visibly wrong.
const ZONE = 'Asia/Kolkata'
const OFFSET = 330

/**
 * Issue 16 point 1: a guest creator composes an album with production tags, sees the embargo time
 * in UTC, saves it as a draft, finds it in "Scheduled & drafts", schedules it (warned about missing
 * alt text), makes, copies and revokes a press preview link, cancels the schedule and publishes it.
 */
describe.each(testDatabases)('studio scheduling and previews (browser, %s)', (kind) => {
  let server: TestServer
  let browser: Browser
  let owner: Person
  let creator: Person
  const slug = 'harbour-diary'

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer(kind)
    browser = await launchBrowser()
    owner = (await seedShow(server.url, { creator: 'producer', fans: [], slug, title: 'Harbour Diary' }))
      .creator
    creator = await register(server.url, 'stills')
    await apiAs(server.url, owner, 'PUT', `/api/v1/channels/${slug}/roles/stills`, { role: 'creator' })
    await apiAs(server.url, owner, 'PUT', `/api/v1/channels/${slug}/production`, {
      kind: 'series',
      title: 'Harbour Lights',
      season: 1,
      chapters: Array.from({ length: 8 }, (_, i) => ({ title: i === 7 ? 'The Last Night' : null })),
      filmingWeeks: 14,
    })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('takes a tagged album from draft to scheduled, with a preview link, to published', async () => {
    const { page, context, errors } = await openStudio(browser, server.url, creator, { timezoneId: ZONE })
    const schedule = () => apiAs(server.url, creator, 'GET', `/api/v1/channels/${slug}/schedule`)

    // Compose: text, a photo without alt text, production tags.
    await page.goto(`${server.url}/app/studio/${slug}`)
    await page.locator('#post-text').fill('Night exteriors on the pier')
    await page
      .locator('#photo-input')
      .setInputFiles({ name: 'pier.jpg', mimeType: 'image/jpeg', buffer: await photo(1200, 800, 200) })
    await page.locator('[data-upload="ready"]').waitFor({ timeout: 30_000 })
    await page.getByLabel('Filming week').fill('11')
    await page.getByLabel('Until week').fill('14')
    await page.getByLabel('Chapter 8 — The Last Night').check()
    await page.getByLabel('Location').fill('Harbour pier')
    await page.getByLabel('Unit').fill('Second unit')

    // The picker is in the creator's zone; the UTC line shows the same instant.
    const first = futureWallTime(3, '10:30', OFFSET)
    await page.getByLabel('Schedule (embargo until a time)').check()
    // ICU may name the zone by its older alias.
    expect(await page.locator('label[for="publish-at"]').textContent()).toMatch(/Asia\/(Kolkata|Calcutta)/)
    await page.locator('#publish-at').fill(first.input)
    expect(await page.locator('#publish-at-utc').textContent()).toBe(first.utcLine)
    if (kind === 'sqlite') await docScreenshots(page, 'studio-composer')

    // Save as a draft instead: no alt-text warning for a draft.
    await page.getByLabel('Save as draft').check()
    await page.getByRole('button', { name: 'Save draft' }).click()
    await page.getByText('Saved as a draft.').waitFor()
    const drafts = (await schedule()).items
    expect(drafts).toHaveLength(1)
    expect(drafts[0]).toMatchObject({
      status: 'draft',
      text: 'Night exteriors on the pier',
      production: {
        weeks: { from: 11, to: 14 },
        chapters: [8],
        location: 'Harbour pier',
        unit: 'Second unit',
      },
    })
    const id = drafts[0].id as string

    // It is in "Scheduled & drafts".
    await page
      .getByRole('navigation', { name: 'Studio' })
      .getByRole('link', { name: 'Scheduled & drafts' })
      .click()
    const item = page.locator(`[data-post="${id}"]`)
    await item.getByText('Draft', { exact: true }).waitFor()
    expect(await item.textContent()).toContain('Weeks 11–14 · Chapter 8 — The Last Night · Harbour pier')
    if (kind === 'sqlite') await docScreenshots(page, 'studio-schedule')

    // Schedule it from its page; the missing alt text is flagged first.
    await item.getByRole('link', { name: 'Edit' }).click()
    const at = futureWallTime(4, '18:45', OFFSET)
    await page.locator('#schedule-at').fill(at.input)
    expect(await page.locator('#schedule-at-utc').textContent()).toBe(at.utcLine)
    await page.getByRole('button', { name: 'Schedule', exact: true }).click()
    await page.getByText('1 photo has no alt text.').waitFor()
    await page.getByRole('button', { name: 'Schedule anyway' }).click()
    await page.locator('[data-status="scheduled"]').waitFor()
    const scheduled = await apiAs(server.url, creator, 'GET', `/api/v1/channels/${slug}/posts/${id}`)
    expect(scheduled.status).toBe('scheduled')
    expect(Date.parse(scheduled.publishAt)).toBe(at.instant)

    // A press preview link: made, copied, working, then revoked.
    await page.getByLabel('Label (who it is for)').fill('Trade press')
    await page.getByRole('button', { name: 'Create link' }).click()
    const url = await page.locator('#preview-url').inputValue()
    expect(url).toMatch(/\/preview\/prv_/)
    await page.getByRole('button', { name: 'Copy link' }).click()
    await page.getByText('Copied to the clipboard.').waitFor()
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(url)
    const opened = await fetch(url)
    expect(opened.status).toBe(200)
    expect(await opened.text()).toMatch(/embargoed until/i)
    const previewsPath = `/api/v1/channels/${slug}/posts/${id}/previews`
    const [made] = (await apiAs(server.url, creator, 'GET', previewsPath)).items
    expect(made).toMatchObject({ label: 'Trade press', revokedAt: null })
    if (kind === 'sqlite') await docScreenshots(page, 'studio-scheduled-post')

    await page.locator(`[data-preview="${made.id}"]`).getByRole('button', { name: 'Revoke' }).click()
    await page
      .locator(`[data-preview="${made.id}"]`)
      .getByText(/^Made .* · Revoked/)
      .waitFor()
    expect((await apiAs(server.url, creator, 'GET', previewsPath)).items[0].revokedAt).not.toBeNull()
    expect((await fetch(url)).status).toBe(404)

    // Cancel the schedule: back to a draft.
    await page.getByRole('button', { name: 'Cancel schedule (back to draft)' }).click()
    await page.locator('[data-status="draft"]').waitFor()
    expect((await schedule()).items[0]).toMatchObject({ id, status: 'draft' })

    // Publish now, past the same warning; the staff view of the published post opens.
    await page.getByRole('button', { name: 'Publish now' }).click()
    await page.getByRole('button', { name: 'Publish anyway' }).click()
    await page.waitForURL(`**/app/studio/${slug}/p/${id}`)
    const published = await apiAs(server.url, creator, 'GET', `/api/v1/channels/${slug}/posts/${id}`)
    expect(published.status).toBe('published')
    expect((await schedule()).items).toEqual([])

    // A tag can still be corrected once published, from the post's staff view.
    await page.getByLabel('Filming week').fill('12')
    await page.getByLabel('Until week').fill('')
    await page.getByRole('button', { name: 'Save tags' }).click()
    await page.getByText('Tags saved.').waitFor()
    const retagged = await apiAs(server.url, creator, 'GET', `/api/v1/channels/${slug}/posts/${id}`)
    expect(retagged.production).toMatchObject({ weeks: { from: 12, to: 12 }, chapters: [8] })
    expect(errors).toEqual([])
    await context.close()
  })
  it('lists drafts for the team, letting a creator publish only their own', async () => {
    const posts = `/api/v1/channels/${slug}/posts`
    const mine = await apiAs(server.url, creator, 'POST', posts, { text: 'Costume fitting', status: 'draft' })
    const theirs = await apiAs(server.url, owner, 'POST', posts, {
      text: 'Press day plan',
      publishAt: new Date(Date.now() + 86_400_000).toISOString(),
    })
    const { page, context, errors } = await openStudio(browser, server.url, creator)
    await page.goto(`${server.url}/app/studio/${slug}/schedule`)
    // Scheduled posts come first, by time; then drafts.
    await page.locator(`[data-post="${mine.id}"]`).waitFor()
    expect(
      await page.locator('.schedule-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-post'))),
    ).toEqual([theirs.id, mine.id])
    const other = page.locator(`[data-post="${theirs.id}"]`)
    expect(await other.textContent()).toContain('Only its author or an admin can change it.')
    expect(await other.getByRole('button').count()).toBe(0)

    await page.locator(`[data-post="${mine.id}"]`).getByRole('button', { name: 'Publish now' }).click()
    await page.locator(`[data-post="${mine.id}"]`).waitFor({ state: 'detached' })
    expect((await apiAs(server.url, creator, 'GET', `${posts}/${mine.id}`)).status).toBe('published')
    expect((await apiAs(server.url, owner, 'GET', `${posts}/${theirs.id}`)).status).toBe('scheduled')
    expect(errors).toEqual([])
    await context.close()
  })
})
