import { describe, expect, it } from 'vitest'
import { apiAs, openAs, withShow } from './helpers.js'

/**
 * The two channel forms that share their fields (web/src/studio/ChannelFields.tsx): a creator makes
 * a channel at /app/new, then changes it in the studio's settings; what the server stores is what
 * was typed and chosen, and a refused request is shown without losing the form.
 */
describe('new channel and channel settings forms (browser, sqlite)', () => {
  const slug = 'harbour-nights'
  const show = withShow({ creator: 'showrunner', fans: [], slug: 'taken-show', title: 'Taken' })

  it('creates a channel from the form, refusing a taken address first', async () => {
    const { server, browser, creator: owner } = show
    const { page, context, errors } = await openAs(browser, server.url, owner)
    await page.goto(`${server.url}/app/new`)
    await page.getByLabel('Title').fill('Harbour Nights')
    await page.getByLabel('Address').fill('taken-show')
    await page.getByLabel('Description').fill('Weeks 11–14 on the harbour.')
    await page.getByLabel('Visibility').selectOption('unlisted')
    await page.getByLabel('Who can join').selectOption('request')
    await page.getByRole('button', { name: 'Create channel' }).click()

    await page.getByRole('alert').getByText('The address "taken-show" is taken.').waitFor()
    expect(await page.getByRole('button', { name: 'Create channel' }).isDisabled()).toBe(false)
    expect(await page.getByLabel('Title').inputValue()).toBe('Harbour Nights')

    await page.getByLabel('Address').fill(slug)
    await page.getByRole('button', { name: 'Create channel' }).click()
    await page.waitForURL(`**/app/c/${slug}`)
    const channel = await apiAs(server.url, owner, 'GET', `/api/v1/channels/${slug}`)
    expect(channel).toMatchObject({
      slug,
      title: 'Harbour Nights',
      description: 'Weeks 11–14 on the harbour.',
      visibility: 'unlisted',
      joinPolicy: 'request',
    })
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows the channel in the settings form and saves what is changed', async () => {
    const { server, browser, creator: owner } = show
    const { page, context, errors } = await openAs(browser, server.url, owner)
    await page.goto(`${server.url}/app/studio/${slug}/settings`)
    const title = page.getByLabel('Title')
    await title.waitFor()
    expect(await title.inputValue()).toBe('Harbour Nights')
    expect(await page.getByLabel('Description').inputValue()).toBe('Weeks 11–14 on the harbour.')
    expect(await page.getByLabel('Visibility').inputValue()).toBe('unlisted')
    expect(await page.getByLabel('Who can join').inputValue()).toBe('request')

    await title.fill('Harbour Nights (wrap)')
    await page.getByLabel('Visibility').selectOption('private')
    await page.getByLabel('Who can join').selectOption('invite')
    await page.getByLabel(/^Reactions/).fill('🔥 👏')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByRole('status').getByText('Saved.').waitFor()

    const channel = await apiAs(server.url, owner, 'GET', `/api/v1/channels/${slug}`)
    expect(channel).toMatchObject({
      title: 'Harbour Nights (wrap)',
      description: 'Weeks 11–14 on the harbour.',
      visibility: 'private',
      joinPolicy: 'invite',
      reactionSet: ['🔥', '👏'],
    })
    expect(errors).toEqual([])
    await context.close()
  })
})
