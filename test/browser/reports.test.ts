import { describe, expect, it } from 'vitest'
import { newId } from '../../src/util/ids.js'
import { apiAs, openAs, withShow } from './helpers.js'
import { docScreenshots, openStudio } from './studio-helpers.js'

/**
 * Issue 17 point 4 in the app: a fan reports a post from its page (reason and comment in the
 * dialog), a moderator finds it in the studio's Reports tab and deletes it... as a moderator may
 * not delete posts, the owner does; the fan reads the outcome on the Notices page.
 */
describe('reports in the app (browser, sqlite)', () => {
  const slug = 'final-chapter'
  const base = `/api/v1/channels/${slug}`
  const show = withShow({ creator: 'showrunner', fans: ['ana'], slug, title: 'The Final Chapter' })

  it('a fan reports a post, the owner deletes it from the Reports tab, the fan sees the outcome', async () => {
    const { server, browser, creator: owner } = show
    const [fan] = show.fans
    const post = await apiAs(server.url, owner, 'POST', `${base}/posts`, {
      text: 'Leaked page of the finale script',
    })

    const fanTab = await openAs(browser, server.url, fan)
    await fanTab.page.goto(`${server.url}/app/c/${slug}/p/${post.id}`)
    await fanTab.page.getByRole('button', { name: 'Report' }).click()
    const dialog = fanTab.page.getByRole('dialog', { name: 'Report' })
    await dialog.getByLabel('Leak or spoiler without a warning').check()
    await dialog.getByLabel('Comment (optional)').fill('This is the real script')
    await docScreenshots(fanTab.page, 'report-dialog')
    await dialog.getByRole('button', { name: 'Send report' }).click()
    await fanTab.page.getByText('Thanks for your report').waitFor()

    const studio = await openStudio(browser, server.url, owner)
    await studio.page.goto(`${server.url}/app/studio/${slug}/reports`)
    const card = studio.page.locator('[data-case]').first()
    await card.getByText('Leaked page of the finale script').waitFor()
    expect(await card.getByText('“This is the real script”').count()).toBe(1)
    expect(await card.getByText('Leak or spoiler without a warning × 1').count()).toBe(1)
    await docScreenshots(studio.page, 'studio-reports')
    await card.getByRole('button', { name: 'Delete it' }).click()
    await studio.page.getByText('Nothing has been reported.').waitFor()
    expect((await fetch(`${server.url}${base}/posts/${post.id}`)).status).toBe(404)

    await fanTab.page.goto(`${server.url}/app/notices`)
    await fanTab.page.getByText('The Final Chapter: the post you reported was removed.').waitFor()
    await docScreenshots(fanTab.page, 'notices')
    expect(fanTab.errors).toEqual([])
    expect(studio.errors).toEqual([])
  })

  it('shows the channel staff why a suspended channel is gone', async () => {
    const { server, browser, creator: owner } = show
    // An operator suspends the channel (here straight through the service, as `backlot channel suspend` does).
    const operator = await server.ctx.db
      .insertInto('account')
      .values({
        id: newId(),
        handle: 'operator',
        display_name: 'Operator',
        password_hash: null,
        email: null,
        is_admin: 1,
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await server.ctx.channels.operators.setSuspended(slug, operator.id, true, 'Leaked scripts')
    const studio = await openStudio(browser, server.url, owner)
    await studio.page.goto(`${server.url}/app/studio/${slug}/reports`)
    await studio.page.getByText('This channel is suspended').waitFor()
    expect(await studio.page.getByText(/Leaked scripts/).count()).toBe(1)
    await docScreenshots(studio.page, 'studio-suspended')
  })
})
