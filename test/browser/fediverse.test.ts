import { Follow, type Group } from '@fedify/vocab'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RemoteInstance, startRemoteInstance } from '../_util/remote-fediverse.js'
import { openAs, screenshot, withShow } from './helpers.js'

/**
 * The studio's settings page shows the channel's fediverse handle and how many remote accounts follow
 * it (issue 18 part 2): a second Fedify instance on loopback follows the channel first.
 */
describe('fediverse panel in the channel settings (browser, sqlite)', () => {
  let remote: RemoteInstance
  const env: Record<string, string> = { BACKLOT_OUTBOUND_ALLOW_HTTP: 'true' }
  beforeAll(async () => {
    remote = await startRemoteInstance()
    env.BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS = String(remote.port)
  })
  afterAll(() => remote?.close())
  const show = withShow({ creator: 'showrunner', fans: [], slug: 'on-set', title: 'On Set' }, { env })

  it("shows @slug@host and the remote followers' count", async () => {
    const { server, browser, creator } = show
    const ctx = remote.federation.createContext(new URL(remote.origin), undefined)
    const channel = (await ctx.lookupObject(`${server.url}/c/on-set`)) as Group
    await ctx.sendActivity(
      { identifier: 'viewer' },
      channel,
      new Follow({
        id: new URL('/follows/1', remote.origin),
        actor: remote.actorUri('viewer'),
        object: channel.id,
      }),
    )
    for (let i = 0; i < 200 && !remote.received.some((r) => r.type === 'Accept'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const { page, context, errors } = await openAs(browser, server.url, creator, {
      width: 1024,
      height: 1400,
    })
    await page.goto(`${server.url}/app/studio/on-set/settings`)
    const panel = page.getByRole('region', { name: 'Fediverse' })
    await panel.getByText(`@on-set@${new URL(server.url).host}`).waitFor()
    await panel.getByText('1 follower on other servers').waitFor()
    await panel.scrollIntoViewIfNeeded()
    await screenshot(page, 'studio-fediverse.png')
    expect(errors).toEqual([])
    await context.close()
  })
})
