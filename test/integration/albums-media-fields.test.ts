import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../_util/db.js'
import { noisyJpeg, uploadImage } from '../_util/images.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import {
  createPost,
  fetchText,
  type PressWorld,
  pressServerEnv,
  seedPressWorld,
  upload,
} from './press.fixture.js'

const RIGHTS = 'Editorial use only, no resale'
const SECRET_ALT = 'The narrator holding the knife'

/**
 * Issue 16 (points 1 and 6): usage rights beside the credit, and a spoiler label per image — on the
 * upload, the media edit, the album item, and wherever the credit or a blurred image is shown — and
 * the warnings the API answers with when album images lack alt text.
 */
describe.each(testDatabases)('image usage rights and spoiler labels on %s', (kind) => {
  let server: TestServer
  let w: PressWorld
  let sizes = 0

  beforeAll(async () => {
    server = await startTestServer(kind, { env: pressServerEnv })
    w = await seedPressWorld(server)
  })
  afterAll(async () => {
    await server.destroy()
  })

  async function uploadWith(fields: Record<string, string>) {
    sizes += 1
    return uploadImage(server.url, w.accounts.creator.token, await noisyJpeg(40 + sizes, 30), {
      extra: fields,
    })
  }

  it('takes rights and a spoiler label in the upload form, a label alone marking the image a spoiler', async () => {
    const res = await uploadWith({ credit: 'Jo Stills', rights: `  ${RIGHTS} `, spoilerLabel: 'Chapter 8' })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({
      credit: 'Jo Stills',
      rights: RIGHTS,
      spoiler: true,
      spoilerLabel: 'Chapter 8',
    })

    const unmarked = await uploadWith({ spoiler: 'false', spoilerLabel: 'Chapter 8' })
    expect(unmarked.body).toMatchObject({ rights: null, spoiler: false, spoilerLabel: null })

    const before = await server.ctx.db.selectFrom('media').select('id').execute()
    const tooLong = await uploadWith({ rights: 'r'.repeat(201), spoilerLabel: 'l'.repeat(61) })
    expect(tooLong.status).toBe(422)
    expect(tooLong.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      '/rights',
      '/spoilerLabel',
    ])
    expect(await server.ctx.db.selectFrom('media').select('id').execute()).toEqual(before)
  })

  it('edits rights and the spoiler label of an unattached upload', async () => {
    const { body: media } = await uploadWith({})
    const path = `/api/v1/media/${media.id}`
    const marked = await w.creator.patch(path, { rights: RIGHTS, spoilerLabel: ' Finale ' })
    expect(marked.status, JSON.stringify(marked.body)).toBe(200)
    expect(marked.body).toMatchObject({ rights: RIGHTS, spoiler: true, spoilerLabel: 'Finale' })
    // Changing the alt alone keeps both.
    expect((await w.creator.patch(path, { alt: 'Set' })).body).toMatchObject({
      rights: RIGHTS,
      spoilerLabel: 'Finale',
    })
    const cleared = await w.creator.patch(path, { rights: null, spoiler: false })
    expect(cleared.body).toMatchObject({ rights: null, spoiler: false, spoilerLabel: null })
    expect((await w.creator.patch(path, { rights: 'r'.repeat(201) })).status).toBe(422)
  })

  it('publishes an album with a label and rights per image, taken from the upload unless sent', async () => {
    const { body: fromUpload } = await uploadWith({ rights: RIGHTS, spoilerLabel: 'Chapter 8' })
    const [plain, labelled] = await upload(server, w.accounts.creator.token, 2, { alt: SECRET_ALT })
    const post = await createPost(w.creator, 'the-show', {
      text: 'Weeks 11–14',
      media: [
        { id: fromUpload.id, alt: 'Crane at night' },
        { id: plain!, rights: 'Pool photo', alt: 'Crew at lunch' },
        { id: labelled!, spoilerLabel: 'The finale set' },
      ],
    })
    expect(post.media.map((m: any) => [m.rights, m.spoiler, m.spoilerLabel])).toEqual([
      [RIGHTS, true, 'Chapter 8'],
      ['Pool photo', false, null],
      [null, true, 'The finale set'],
    ])
    expect((await w.fan.get(`/api/v1/channels/the-show/posts/${post.id}`)).body.media).toEqual(post.media)
    // The label sent for this post is the album's, not the upload's: the media row keeps its own.
    const media = await w.fan.get(`/api/v1/media/${labelled}`)
    expect(media.body).toMatchObject({ spoiler: false, spoilerLabel: null })

    const edit = await w.creator.patch(`/api/v1/channels/the-show/posts/${post.id}`, {
      media: [
        { id: fromUpload.id, rights: null, spoiler: false },
        { id: plain!, spoilerLabel: 'Week 14' },
        { id: labelled! },
      ],
    })
    expect(edit.status, JSON.stringify(edit.body)).toBe(200)
    expect(edit.body.media.map((m: any) => [m.rights, m.spoiler, m.spoilerLabel])).toEqual([
      [null, false, null],
      ['Pool photo', true, 'Week 14'],
      [null, true, 'The finale set'],
    ])
    const history = await w.creator.get(`/api/v1/channels/the-show/posts/${post.id}/history`)
    expect(history.body.items[0].snapshot.media[0]).toMatchObject({
      rights: RIGHTS,
      spoilerLabel: 'Chapter 8',
    })
  })

  it('refuses a label over 60 characters and writes nothing', async () => {
    const [id] = await upload(server, w.accounts.creator.token, 1)
    const before = await server.ctx.db.selectFrom('post').select('id').execute()
    const res = await w.creator.post('/api/v1/channels/the-show/posts', {
      media: [{ id, spoilerLabel: 'l'.repeat(61) }],
    })
    expect(res.status).toBe(422)
    expect(res.body.errors[0].field).toBe('/media/0/spoilerLabel')
    expect(await server.ctx.db.selectFrom('post').select('id').execute()).toEqual(before)
  })

  it('shows rights beside the credit and the label on the blurred image in pages and feeds', async () => {
    const [clear, hidden] = await upload(server, w.accounts.creator.token, 2, { alt: SECRET_ALT })
    const post = await createPost(w.creator, 'the-show', {
      text: 'Rights and labels',
      media: [
        { id: clear!, alt: 'Crew at lunch', credit: 'Jo Stills', rights: RIGHTS },
        { id: hidden!, spoilerLabel: 'Finale set' },
      ],
    })
    const page = (await fetchText(`${server.url}/c/the-show/p/${post.id}`)).text
    expect(page).toContain(`© Jo Stills · ${RIGHTS}`)
    expect(page).toContain('<figcaption>Spoiler: Finale set</figcaption>')
    expect(page).toContain('alt="Spoiler: Finale set (blurred image)"')
    expect(page).not.toContain(SECRET_ALT)
    // The embed behind oEmbed shows the same caption.
    const embed = (await fetchText(`${server.url}/embed/p/${post.id}`)).text
    expect(embed).toContain(`© Jo Stills · ${RIGHTS}`)
    expect(embed).toContain('Spoiler: Finale set')

    const feed = JSON.parse((await fetchText(`${server.url}/c/the-show/feed.json`)).text)
    const item = feed.items.find((i: { url: string }) => i.url.endsWith(post.id))
    expect(item.content_html).toContain(RIGHTS)
    expect(item.attachments.map((a: { title: string }) => a.title)).toEqual([
      'Crew at lunch',
      'Spoiler: Finale set (blurred image)',
    ])
    const rss = (await fetchText(`${server.url}/c/the-show/feed.rss`)).text
    expect(rss).toContain(RIGHTS)
    expect(rss).toContain('Spoiler: Finale set')
    expect(rss).not.toContain(SECRET_ALT)
  })

  it('warns about images without alt text when a post is created or edited, and publishes it anyway', async () => {
    const [a, b, c] = await upload(server, w.accounts.creator.token, 3)
    const res = await w.creator.post('/api/v1/channels/the-show/posts', {
      text: 'Three from the set',
      media: [{ id: a }, { id: b, alt: 'Grips at the crane' }, { id: c, alt: '   ' }],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.status).toBe('published')
    expect(res.body.warnings).toEqual([
      {
        code: 'alt-missing',
        pointer: '/media/0',
        detail: expect.stringContaining('Image 1 of 3 has no alt text'),
      },
      { code: 'alt-missing', pointer: '/media/2', detail: expect.stringContaining('Image 3 of 3') },
    ])
    // Only the writer's answer carries them: the post as everyone reads it is unchanged.
    const read = await w.fan.get(`/api/v1/channels/the-show/posts/${res.body.id}`)
    const { warnings: _, ...view } = res.body
    expect(read.body).toEqual(view)

    const edited = await w.creator.patch(`/api/v1/channels/the-show/posts/${res.body.id}`, {
      media: [{ id: a, alt: 'Dolly track' }, { id: b }, { id: c }],
    })
    expect(edited.status).toBe(200)
    expect(edited.body.warnings.map((x: { pointer: string }) => x.pointer)).toEqual(['/media/2'])
    const complete = await w.creator.patch(`/api/v1/channels/the-show/posts/${res.body.id}`, {
      media: [{ id: a }, { id: b }, { id: c, alt: 'Slate, take 3' }],
    })
    expect(complete.body).not.toHaveProperty('warnings')

    const text = await w.creator.post('/api/v1/channels/the-show/posts', {
      text: 'No images, nothing to warn',
    })
    expect(text.body).not.toHaveProperty('warnings')
  })
})
