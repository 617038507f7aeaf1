import { beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, describeViolations } from './a11y.js'
import { apiAs, withShow } from './helpers.js'
import { docScreenshots, openStudio } from './studio-helpers.js'

/**
 * Issue 16 point 2 in the studio (seed row: draft → approve → schedule): the owner turns approval
 * on; a creator's composer then offers "Submit for review" instead of publishing; the owner returns
 * the post with a comment from the review queue; the creator reads it in "Scheduled & drafts" and
 * submits again; the owner approves it and it is published — each step in the audit log.
 */
describe('sign-off in the studio (browser, sqlite)', () => {
  const slug = 'final-chapter'
  const base = `/api/v1/channels/${slug}`
  const show = withShow({ creator: 'showrunner', fans: ['cocreator'], slug, title: 'The Final Chapter' })
  beforeAll(async () => {
    await apiAs(show.server.url, show.creator, 'PUT', `${base}/roles/cocreator`, { role: 'creator' })
  })

  it('submit, return with a comment, resubmit, approve', async () => {
    const { server, browser, creator: owner } = show
    const [creator] = show.fans
    // The owner requires approval in Manage.
    const ownerTab = await openStudio(browser, server.url, owner)
    await ownerTab.page.goto(`${server.url}/app/studio/${slug}/settings`)
    await ownerTab.page.getByLabel('Creators’ posts need approval').check()
    await ownerTab.page.getByRole('button', { name: 'Save settings' }).click()
    await ownerTab.page.getByText('Saved.').waitFor()
    expect((await apiAs(server.url, owner, 'GET', base)).requireApproval).toBe(true)

    // The creator's composer submits for review by default.
    const creatorTab = await openStudio(browser, server.url, creator)
    await creatorTab.page.goto(`${server.url}/app/studio/${slug}`)
    const submitChoice = creatorTab.page.getByLabel('Submit for review (an owner or admin approves it)')
    await submitChoice.waitFor()
    expect(await submitChoice.isChecked()).toBe(true)
    expect(await creatorTab.page.getByLabel('Publish now').count()).toBe(0)
    await creatorTab.page.locator('#post-text').fill('Chapter 8: the last night on the pier')
    await creatorTab.page.getByRole('button', { name: 'Submit for review', exact: true }).click()
    await creatorTab.page.getByText('Submitted for review').waitFor()
    const [queued] = (await apiAs(server.url, owner, 'GET', `${base}/reviews`)).items
    expect(queued).toMatchObject({ status: 'in_review', text: 'Chapter 8: the last night on the pier' })

    // The owner returns it with a comment.
    await ownerTab.page.goto(`${server.url}/app/studio/${slug}/reviews`)
    const item = ownerTab.page.locator(`[data-post="${queued.id}"]`)
    await item.waitFor()
    await docScreenshots(ownerTab.page, 'studio-review-queue')
    expect(await axeViolations(ownerTab.page).then(describeViolations)).toBe('')
    await item.getByRole('button', { name: 'Return with a comment…' }).click()
    await item.getByLabel('What should change').fill('Name the pier: it is Harbour Pier.')
    await item.getByRole('button', { name: 'Return to the author' }).click()
    await ownerTab.page.getByText('Nothing is waiting for review.').waitFor()

    // The creator reads the comment, edits nothing here, and submits again.
    await creatorTab.page.goto(`${server.url}/app/studio/${slug}/schedule`)
    const draft = creatorTab.page.locator(`[data-post="${queued.id}"]`)
    await draft.locator('[data-returned]').waitFor()
    expect(await draft.locator('[data-returned]').textContent()).toContain(
      'Name the pier: it is Harbour Pier.',
    )
    await draft.getByRole('button', { name: 'Submit for review' }).click()
    await expect
      .poll(async () => (await apiAs(server.url, owner, 'GET', `${base}/reviews`)).items.length)
      .toBe(1)

    // The owner approves: published now.
    await ownerTab.page.goto(`${server.url}/app/studio/${slug}/reviews`)
    await ownerTab.page.getByRole('button', { name: 'Approve and publish' }).click()
    await ownerTab.page.getByText('Nothing is waiting for review.').waitFor()
    const post = await apiAs(server.url, owner, 'GET', `${base}/posts/${queued.id}`)
    expect(post.status).toBe('published')

    const audit = await apiAs(server.url, owner, 'GET', `${base}/audit-log`)
    const actions = audit.items.map((e: { action: string }) => e.action)
    expect(actions.filter((a: string) => a.startsWith('post.'))).toEqual([
      'post.approved',
      'post.submitted',
      'post.returned',
      'post.submitted',
    ])
    expect(ownerTab.errors).toEqual([])
    expect(creatorTab.errors).toEqual([])
    await ownerTab.context.close()
    await creatorTab.context.close()
  })
})
