import { Create, Follow, type Group, Like, Note, Undo } from '@fedify/vocab'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { testDatabases } from '../_util/db.js'
import { type RemoteInstance, startRemoteInstance } from '../_util/remote-fediverse.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'

/**
 * ActivityPub end to end (issue 18 part 2): a second Fedify instance on a loopback port (allowed only
 * through BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS) discovers a channel by WebFinger, follows it, gets
 * its posts as Create/Update/Delete, likes, votes, replies and undoes — signatures verified both ways.
 */
const AP = 'application/activity+json'
let remote: RemoteInstance
const anyJson = async (res: Response): Promise<any> => res.json()

beforeAll(async () => {
  remote = await startRemoteInstance()
})
afterAll(() => remote?.close())

async function eventually<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await check()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('condition not reached')
}

describe.each(testDatabases)('federation (%s)', (kind) => {
  let server: TestServer
  let owner: ReturnType<typeof client>
  let host: string
  let serial = 0
  // The remote instance serves both databases' runs: each run has its own remote people.
  const alice = `alice-${kind}`
  const bob = `bob-${kind}`
  const carol = `carol-${kind}`
  const remoteCtx = () => remote.federation.createContext(new URL(remote.origin), undefined)
  const nextId = (what: string) => new URL(`/${kind}/${what}/${++serial}`, remote.origin)
  const receivedBy = (name: string) => remote.received.filter((r) => r.recipient === name)
  const activityFor = (type: string, objectId: string) =>
    remote.received.find((r) => r.type === type && JSON.stringify(r.json).includes(objectId))

  beforeAll(async () => {
    server = await startTestServer(kind, {
      env: {
        BACKLOT_OUTBOUND_ALLOW_HTTP: 'true',
        BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS: String(remote.port),
      },
    })
    host = new URL(server.url).host
    const seeded = await seedAccount(server.ctx, 'owner')
    await seedChannel(server.ctx, seeded.account, { slug: 'set', title: 'On Set <live>' })
    await seedChannel(server.ctx, seeded.account, { slug: 'quiet', visibility: 'unlisted' })
    await seedChannel(server.ctx, seeded.account, { slug: 'closed', visibility: 'private' })
    await seedChannel(server.ctx, seeded.account, { slug: 'asks', joinPolicy: 'request' })
    await seedChannel(server.ctx, seeded.account, { slug: 'turns', visibility: 'public' })
    owner = client(server.url, { token: seeded.token })
  })
  afterAll(() => server?.destroy())

  async function post(slug: string, body: Record<string, unknown>) {
    const res = await owner.post(`/api/v1/channels/${slug}/posts`, body)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string }
  }

  async function follow(name: string, slug: string): Promise<{ channel: Group; follow: Follow }> {
    const ctx = remoteCtx()
    const channel = (await ctx.lookupObject(`${server.url}/c/${slug}`)) as Group
    expect(channel?.id?.href).toBe(`${server.url}/c/${slug}`)
    const activity = new Follow({ id: nextId('follows'), actor: remote.actorUri(name), object: channel.id })
    await ctx.sendActivity({ identifier: name }, channel, activity)
    return { channel, follow: activity }
  }

  it('answers WebFinger, NodeInfo and the actor as Mastodon needs them; browsers still get the page', async () => {
    const finger = await fetch(`${server.url}/.well-known/webfinger?resource=acct:set@${host}`)
    expect(finger.status).toBe(200)
    const jrd = await anyJson(finger)
    expect(jrd.subject).toBe(`acct:set@${host}`)
    expect(jrd.links).toContainEqual(
      expect.objectContaining({ rel: 'self', type: AP, href: `${server.url}/c/set` }),
    )

    const wellKnown = await anyJson(await fetch(`${server.url}/.well-known/nodeinfo`))
    const nodeInfoUrl = wellKnown.links.find((l: { rel: string }) => l.rel.endsWith('/2.1')).href
    const nodeInfo = await anyJson(await fetch(nodeInfoUrl))
    expect(nodeInfo).toMatchObject({
      version: '2.1',
      software: { name: 'backlot' },
      protocols: ['activitypub'],
    })
    expect(nodeInfo.usage.users.total).toBe(4) // set, quiet, asks, turns: never the private one

    const res = await fetch(`${server.url}/c/set`, { headers: { accept: AP } })
    expect(res.status).toBe(200)
    const actor = await anyJson(res)
    expect(actor).toMatchObject({
      id: `${server.url}/c/set`,
      type: 'Group',
      preferredUsername: 'set',
      name: 'On Set <live>',
      url: `${server.url}/c/set`,
      inbox: `${server.url}/ap/c/set/inbox`,
      outbox: `${server.url}/ap/c/set/outbox`,
      followers: `${server.url}/ap/c/set/followers`,
      endpoints: { sharedInbox: `${server.url}/ap/inbox` },
      discoverable: true,
      manuallyApprovesFollowers: false,
      publicKey: { owner: `${server.url}/c/set` },
    })
    expect(actor.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    expect(JSON.stringify(actor)).not.toMatch(/PRIVATE|"d":/)
    expect(actor.assertionMethod?.length ?? 0).toBeGreaterThan(0)

    const page = await fetch(`${server.url}/c/set`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)

    const unlisted = await anyJson(await fetch(`${server.url}/c/quiet`, { headers: { accept: AP } }))
    expect(unlisted.discoverable).toBe(false)
    const asks = await anyJson(await fetch(`${server.url}/c/asks`, { headers: { accept: AP } }))
    expect(asks.manuallyApprovesFollowers).toBe(true)
  })

  it('answers 404 on every federation URL of a private channel', async () => {
    expect((await fetch(`${server.url}/.well-known/webfinger?resource=acct:closed@${host}`)).status).toBe(404)
    const actor = await fetch(`${server.url}/c/closed`, { headers: { accept: AP } })
    expect(actor.status).toBe(404)
    expect(await actor.text()).not.toContain('"Group"')
    for (const path of ['outbox', 'followers']) {
      expect((await fetch(`${server.url}/ap/c/closed/${path}`, { headers: { accept: AP } })).status).toBe(404)
    }
  })

  it('accepts a Follow, then delivers Create, Update and Delete; a deleted post answers 410', async () => {
    await follow(alice, 'set')
    await eventually(() => receivedBy(alice).find((r) => r.type === 'Accept'))
    const followers = await anyJson(
      await fetch(`${server.url}/ap/c/set/followers`, { headers: { accept: AP } }),
    )
    expect(followers.totalItems).toBe(1)
    expect(JSON.stringify(followers)).not.toContain(remote.origin) // the list is nobody's business

    const { id } = await post('set', { text: 'Wrap on <week 11> https://example.org/x' })
    const postUrl = `${server.url}/c/set/p/${id}`
    const create = await eventually(() => activityFor('Create', postUrl))
    const note = create.json.object as Record<string, unknown>
    expect(note).toMatchObject({ type: 'Note', id: postUrl, attributedTo: `${server.url}/c/set` })
    expect(note.content).toContain('Wrap on &lt;week 11&gt;')
    expect(note.content).toContain('<a href="https://example.org/x"')
    // Public, compacted by the receiving Fedify as `as:Public`.
    expect(create.json.to).toMatch(/^(as:|https:\/\/www\.w3\.org\/ns\/activitystreams#)Public$/)
    expect(create.json.id).toBe(`${postUrl}#create-0`)

    const fetched = await fetch(postUrl, { headers: { accept: AP } })
    expect(fetched.status).toBe(200)
    expect((await anyJson(fetched)).id).toBe(postUrl)

    expect((await owner.patch(`/api/v1/channels/set/posts/${id}`, { text: 'Wrap on week 12' })).status).toBe(
      200,
    )
    const update = await eventually(() => activityFor('Update', postUrl))
    expect((update.json.object as { content: string }).content).toContain('Wrap on week 12')

    expect((await owner.delete(`/api/v1/channels/set/posts/${id}`)).status).toBe(204)
    const deletion = await eventually(() => activityFor('Delete', postUrl))
    expect(deletion.json.object).toMatchObject({ type: 'Tombstone', id: postUrl })
    const gone = await fetch(postUrl, { headers: { accept: AP } })
    expect(gone.status).toBe(410)
    expect(await anyJson(gone)).toMatchObject({ type: 'Tombstone', id: postUrl })
  })

  it('sends a spoiler behind a content warning and a poll as a Question; counts remote votes once', async () => {
    const spoiler = await post('set', { text: 'The twist', spoiler: true, spoilerLabel: 'Chapter 8' })
    const spoilerUrl = `${server.url}/c/set/p/${spoiler.id}`
    const cw = (await eventually(() => activityFor('Create', spoilerUrl))).json.object as Record<
      string,
      unknown
    >
    expect(cw).toMatchObject({ sensitive: true, summary: 'Chapter 8' })
    expect(cw.content).toContain('The twist')

    const poll = await post('set', { poll: { question: 'Which ending?', options: ['Red', 'Blue'] } })
    const pollUrl = `${server.url}/c/set/p/${poll.id}`
    const question = (await eventually(() => activityFor('Create', pollUrl))).json.object as Record<
      string,
      unknown
    >
    expect(question.type).toBe('Question')
    expect((question.oneOf as { name: string }[]).map((o) => o.name)).toEqual(['Red', 'Blue'])

    const ctx = remoteCtx()
    const channel = (await ctx.lookupObject(`${server.url}/c/set`)) as Group
    const vote = (name: string) =>
      new Create({
        id: nextId('votes'),
        actor: remote.actorUri(alice),
        object: new Note({
          id: nextId('notes'),
          attribution: remote.actorUri(alice),
          name,
          replyTarget: new URL(pollUrl),
          to: channel.id,
        }),
        to: channel.id,
      })
    await ctx.sendActivity({ identifier: alice }, channel, vote('Blue'))
    await ctx.sendActivity({ identifier: alice }, channel, vote('Red')) // a second vote: not counted
    const tally = async () => {
      const json = await anyJson(await fetch(pollUrl, { headers: { accept: AP } }))
      return json.oneOf.map((o: { replies: { totalItems: number } }) => o.replies.totalItems) as number[]
    }
    expect(await eventually(async () => ((await tally())[1] === 1 ? tally() : null))).toEqual([0, 1])

    // A reply is counted for the owner, never stored or shown.
    await ctx.sendActivity(
      { identifier: alice },
      channel,
      new Create({
        id: nextId('replies'),
        actor: remote.actorUri(alice),
        object: new Note({
          id: nextId('notes'),
          attribution: remote.actorUri(alice),
          content: 'Wow',
          replyTarget: new URL(spoilerUrl),
        }),
      }),
    )
    // A Like counts as a reaction once; Undo takes it back.
    const like = new Like({
      id: nextId('likes'),
      actor: remote.actorUri(alice),
      object: new URL(spoilerUrl),
    })
    await ctx.sendActivity({ identifier: alice }, channel, like)
    await ctx.sendActivity(
      { identifier: alice },
      channel,
      new Like({ id: nextId('likes'), actor: remote.actorUri(alice), object: new URL(spoilerUrl) }),
    )
    const overview = async () => (await owner.get('/api/v1/channels/set/federation')).body
    expect(
      await eventually(async () => ((await overview()).reactions === 1 ? overview() : null)),
    ).toMatchObject({
      handle: `@set@${host}`,
      followers: 1,
      replies: 1,
      reactions: 1,
      votes: 1,
    })
    await ctx.sendActivity(
      { identifier: alice },
      channel,
      new Undo({ id: nextId('undos'), actor: remote.actorUri(alice), object: like }),
    )
    await eventually(async () => (await overview()).reactions === 0)
  })

  it('sends an embargoed post only at its time, and nothing of a channel that turned private', async () => {
    const publishAt = new Date(Date.now() + 1500).toISOString()
    const { id } = await post('set', { text: 'Embargoed trailer', publishAt })
    const url = `${server.url}/c/set/p/${id}`
    expect(activityFor('Create', url)).toBeUndefined()
    expect((await fetch(url, { headers: { accept: AP } })).status).not.toBe(200)
    await eventually(() => activityFor('Create', url))

    await follow(bob, 'turns')
    await eventually(() => receivedBy(bob).find((r) => r.type === 'Accept'))
    expect((await owner.patch('/api/v1/channels/turns', { visibility: 'private' })).status).toBe(200)
    const secret = await post('turns', { text: 'Members only' })
    const marker = await post('set', { text: 'After the secret' })
    await eventually(() => activityFor('Create', `${server.url}/c/set/p/${marker.id}`))
    expect(activityFor('Create', `${server.url}/c/turns/p/${secret.id}`)).toBeUndefined()
  })

  it('queues a Follow of a request-only channel for the owner; approval sends Accept; Undo removes the follower', async () => {
    const { follow: asked, channel } = await follow(carol, 'asks')
    const requests = async () =>
      (await owner.get('/api/v1/channels/asks/federation/follow-requests')).body.items
    const [request] = await eventually(async () => ((await requests()).length === 1 ? requests() : null))
    expect(request).toMatchObject({
      actor: remote.actorUri(carol).href,
      handle: `@${carol}@${new URL(remote.origin).host}`,
    })
    expect(receivedBy(carol).find((r) => r.type === 'Accept')).toBeUndefined()
    const approve = await owner.post('/api/v1/channels/asks/federation/follow-requests/approve', {
      actor: request.actor,
    })
    expect(approve.status).toBe(204)
    await eventually(() => receivedBy(carol).find((r) => r.type === 'Accept'))
    expect((await owner.get('/api/v1/channels/asks/federation')).body.followers).toBe(1)

    const ctx = remoteCtx()
    await ctx.sendActivity(
      { identifier: carol },
      channel,
      new Undo({ id: nextId('undos'), actor: remote.actorUri(carol), object: asked }),
    )
    await eventually(async () => (await owner.get('/api/v1/channels/asks/federation')).body.followers === 0)
  })
})
