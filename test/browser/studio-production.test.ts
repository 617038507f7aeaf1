import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { apiAs, assertWebBuilt, launchBrowser, type Person, register, seedShow } from './helpers.js'
import { docScreenshots, openStudio } from './studio-helpers.js'

/**
 * Issue 16 point 1: the owner edits the production (chapters with air dates, reordered) in Manage,
 * builds a "weeks 11–14" digest with a preview and posts it, and reads the audit log; a creator
 * and a moderator see only what their role allows.
 */
describe.each(testDatabases)('studio production, digests and audit log (browser, %s)', (kind) => {
  let server: TestServer
  let browser: Browser
  let owner: Person
  let creator: Person
  let moderator: Person
  const slug = 'pier-unit'
  const api = (person: Person, method: string, path: string, body?: unknown) =>
    apiAs(server.url, person, method, `/api/v1/channels/${slug}${path}`, body)

  beforeAll(async () => {
    assertWebBuilt()
    server = await startTestServer(kind)
    browser = await launchBrowser()
    owner = (await seedShow(server.url, { creator: 'showrunner', fans: [], slug, title: 'Pier Unit' }))
      .creator
    creator = await register(server.url, 'cocreator')
    moderator = await register(server.url, 'modder')
    await api(owner, 'PUT', '/roles/cocreator', { role: 'creator' })
    await api(owner, 'PUT', '/roles/modder', { role: 'moderator' })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.destroy()
  })

  it('edits the production: chapters with titles and air dates, added, reordered and removed', async () => {
    const { page, context, errors } = await openStudio(browser, server.url, owner)
    await page.goto(`${server.url}/app/studio/${slug}/settings`)
    const form = page.locator('form.production-editor')
    await form.getByLabel('Kind').selectOption('series')
    await form.getByLabel('Production name').fill('Harbour Lights')
    await form.getByLabel('Season').fill('2')
    await form.getByLabel('Parts are called').fill('Episode')
    for (const [title, date] of [
      ['Arrival', '2027-03-01'],
      ['The Last Night', '2027-03-15'],
      ['Storm', '2027-03-08'],
      ['Cut scene', ''],
    ]) {
      await form.getByRole('button', { name: 'Add episode' }).click()
      const n = await form.locator('.chapter-row').count()
      await form.getByLabel(`Episode ${n} title`).fill(title as string)
      if (date) await form.getByLabel(`Episode ${n} air date`).fill(date)
    }
    await form.getByRole('button', { name: 'Remove Episode 4' }).click()
    await form.getByRole('button', { name: 'Move Episode 3 earlier' }).click()
    await form.getByLabel('Filming starts on').fill('2026-09-07')
    await form.getByLabel('Filming weeks').fill('14')
    await form.getByLabel(/Lift spoilers by themselves/).check()
    await form.getByRole('button', { name: 'Save production' }).click()
    await form.getByText('Production saved.').waitFor()

    const { production } = await api(owner, 'GET', '/production')
    expect(production).toMatchObject({
      kind: 'series',
      title: 'Harbour Lights',
      season: 2,
      chapterLabel: 'Episode',
      filmingStartsOn: '2026-09-07',
      filmingWeeks: 14,
      autoLiftSpoilers: true,
      chapters: [
        { number: 1, title: 'Arrival', airDate: '2027-03-01' },
        { number: 2, title: 'Storm', airDate: '2027-03-08' },
        { number: 3, title: 'The Last Night', airDate: '2027-03-15' },
      ],
    })
    // The form shows what was saved after a reload.
    await page.reload()
    expect(await page.getByLabel('Episode 3 title').inputValue()).toBe('The Last Night')
    if (kind === 'sqlite') await docScreenshots(page, 'studio-production')

    // A week posts are tagged with cannot be cut: the server's reason is shown, the form kept.
    await api(owner, 'POST', '/posts', { text: 'Week 14 wrap', production: { weeks: { from: 14 } } })
    await page.getByLabel('Filming weeks').fill('10')
    await page.getByRole('button', { name: 'Save production' }).click()
    await page
      .locator('form.production-editor .error-box')
      .getByText(/week 14/)
      .waitFor()
    expect(await page.getByLabel('Filming weeks').inputValue()).toBe('10')
    expect((await api(owner, 'GET', '/production')).production.filmingWeeks).toBe(14)
    expect(errors.filter((e) => !/409/.test(e))).toEqual([])
    await context.close()
  })

  it('builds a weeks 11–14 digest from a preview, saves it and posts it', async () => {
    for (const [text, weeks] of [
      ['Pier at dawn', { from: 11 }],
      ['Storm rig test', { from: 12, to: 13 }],
      ['Week five table read', { from: 5 }],
    ] as const)
      await api(owner, 'POST', '/posts', { text, production: { weeks } })

    const { page, context, errors } = await openStudio(browser, server.url, creator)
    await page.goto(`${server.url}/app/studio/${slug}/digests`)
    await page.getByLabel('From').selectOption('11')
    await page.getByLabel('To', { exact: true }).selectOption('14')
    expect(await page.getByLabel('Title').getAttribute('placeholder')).toBe('Weeks 11–14 highlights')
    await page.getByLabel('Intro (optional)').fill('The last four weeks on the pier.')
    await page.getByRole('button', { name: 'Preview' }).click()
    const preview = page.locator('.digest-preview')
    await preview.getByText('Preview: Weeks 11–14').waitFor()
    const listed = await preview.locator('li').allTextContents()
    expect(listed.map((t) => t.split(' ').slice(0, 3).join(' '))).toEqual([
      'Week 14 wrap',
      'Pier at dawn',
      'Storm rig test',
    ])
    if (kind === 'sqlite') await docScreenshots(page, 'studio-digests')

    await page.getByRole('button', { name: 'Save digest' }).click()
    await page.getByText(/Saved “Weeks 11–14 highlights” with 3 posts/).waitFor()
    const [digest] = (await api(creator, 'GET', '/digests')).items
    expect(digest).toMatchObject({
      title: 'Weeks 11–14 highlights',
      intro: 'The last four weeks on the pier.',
      weeks: { from: 11, to: 14 },
      linkedPostId: null,
    })
    expect(digest.posts.map((p: { title: string }) => p.title).sort()).toEqual(
      ['Pier at dawn', 'Storm rig test', 'Week 14 wrap'].sort(),
    )

    const card = page.locator(`[data-digest="${digest.id}"]`)
    await card.getByRole('button', { name: 'Post to channel' }).click()
    await card.getByText('posted to the channel', { exact: false }).waitFor()
    const posted = (await api(creator, 'GET', `/digests/${digest.id}`)).linkedPostId
    expect(posted).toEqual(expect.any(String))
    expect((await api(creator, 'GET', `/posts/${posted}`)).status).toBe('published')
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows the audit log to the owner in words, and each role only its own tabs', async () => {
    const { page, context, errors } = await openStudio(browser, server.url, owner)
    await page.goto(`${server.url}/app/studio/${slug}/audit`)
    const entries = page.locator('.audit-entry')
    await entries.first().waitFor()
    const log = (await api(owner, 'GET', '/audit-log')).items
    expect(await entries.count()).toBe(log.length)
    expect(log[0].action).toBe('channel.production-updated')
    expect(await entries.first().textContent()).toContain('@showrunner changed the production facts')
    const grant = entries.filter({ hasText: '@cocreator' })
    expect(await grant.textContent()).toContain('@showrunner gave a role to @cocreator')
    expect(await grant.textContent()).toContain('as creator')
    if (kind === 'sqlite') await docScreenshots(page, 'studio-audit-log')
    await context.close()

    const tabs = async (person: Person, path: string) => {
      const tab = await openStudio(browser, server.url, person)
      await tab.page.goto(`${server.url}/app/studio/${slug}${path}`)
      const nav = tab.page.getByRole('navigation', { name: 'Studio' })
      await nav.getByText('Manage').waitFor()
      const names = (await nav.locator('a, span').allTextContents()).map((t) => t.trim())
      const hasProduction = await tab.page.getByRole('heading', { name: 'Production' }).count()
      errors.push(...tab.errors)
      await tab.context.close()
      return { names, hasProduction }
    }
    const asCreator = await tabs(creator, '/settings')
    expect(asCreator.names).toEqual([
      '← Channel',
      'New post',
      'Scheduled & drafts',
      'Review queue',
      'Digests',
      'Manage',
      'Analytics',
    ])
    expect(asCreator.hasProduction).toBe(0)
    const asModerator = await tabs(moderator, '/settings')
    expect(asModerator.names).toEqual(['← Channel', 'Manage', 'Reports', 'Analytics'])
    expect(errors).toEqual([])
  })
})
