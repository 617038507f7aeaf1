import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { insertMember } from '../channels/index.js'
import type { AppContext } from '../context.js'
import type { AccountRow } from '../db/schema.js'
import { escapeHtml } from '../pages/html.js'
import { originOf } from '../reads/index.js'

export const DEMO_SLUG = 'on-set'
const DAY_MS = 86_400_000
const WEEKS = 14

export interface DemoResult {
  created: boolean
  channelUrl: string
  timelineUrl: string
  previewUrl: string | null
  logins: { handle: string; password: string | null }[]
}

/** A photo-like JPEG made by code: a diagonal gradient with a caption (no real photo, no metadata). */
export async function demoPhoto(seed: number, caption: string, sub: string): Promise<Buffer> {
  const [w, h] = seed % 3 === 0 ? [1200, 1500] : [1600, 1000]
  const a = (seed * 47) % 360
  const b = (a + 60 + ((seed * 13) % 90)) % 360
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl(${a},65%,55%)"/><stop offset="1" stop-color="hsl(${b},60%,22%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<circle cx="${w * 0.7}" cy="${h * 0.35}" r="${h * 0.18}" fill="hsla(${(a + 180) % 360},80%,85%,0.35)"/>
<rect x="${w * 0.1}" y="${h * 0.55}" width="${w * 0.35}" height="${h * 0.25}" rx="24" fill="hsla(0,0%,100%,0.12)"/>
<text x="60" y="${h - 140}" font-family="sans-serif" font-size="72" font-weight="700" fill="#fff">${escapeHtml(caption)}</text>
<text x="60" y="${h - 70}" font-family="sans-serif" font-size="40" fill="#fff" fill-opacity="0.8">${escapeHtml(sub)}</text>
</svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer()
}

/**
 * The demo's own accounts: `demo_`-prefixed handles no tour or real user is likely to pick, each
 * recorded (by id) in `meta` as made by the demo. An account with such a handle that the demo did not
 * make is never taken over (issue 22: a second run once handed the channel to a real @showrunner).
 */
export const DEMO_HANDLES = { owner: 'demo_showrunner', creator: 'demo_cocreator' } as const
const DEMO_ACCOUNTS_KEY = 'demo_accounts'

/** The demo refuses to run rather than use an account it did not create. */
export class DemoRefusal extends Error {
  override name = 'DemoRefusal'
}

async function demoAccountIds(ctx: AppContext): Promise<string[]> {
  const row = await ctx.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', DEMO_ACCOUNTS_KEY)
    .executeTakeFirst()
  return row ? (JSON.parse(row.value) as string[]) : []
}

async function account(ctx: AppContext, handle: string, displayName: string) {
  const existing = await ctx.db
    .selectFrom('account')
    .selectAll()
    .where('handle', '=', handle)
    .executeTakeFirst()
  if (existing) {
    if ((await demoAccountIds(ctx)).includes(existing.id)) return { row: existing, password: null }
    throw new DemoRefusal(
      `the account @${handle} exists and was not made by the demo; the demo never takes over an account. ` +
        'Rename that account, or run the demo against another database (BACKLOT_DATA_DIR).',
    )
  }
  const password = randomBytes(12).toString('base64url')
  const row: AccountRow = await ctx.accounts.createAccount({ handle, displayName, password })
  const value = JSON.stringify([...(await demoAccountIds(ctx)), row.id])
  await ctx.db
    .insertInto('meta')
    .values({ key: DEMO_ACCOUNTS_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute()
  return { row, password }
}

function mondayWeeksAgo(now: number, weeks: number): string {
  const day = new Date(now - weeks * 7 * DAY_MS)
  const sinceMonday = (day.getUTCDay() + 6) % 7
  return new Date(day.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10)
}

/**
 * `backlot demo`: a demo production channel showing every feature of issue 6 within a minute — an
 * 8-chapter season filmed over 14 weeks, tagged posts with generated photos, a poll, a spoiler
 * album, a scheduled (embargoed) post with a press preview link, and a digest. Idempotent: when the
 * channel exists it is left as it is and only its addresses are printed.
 */
/**
 * The channel's avatar: a square "S2" badge. Left out (with a log line) if processing outlasts the
 * upload's wait on a slow machine: the demo is still complete without it.
 */
async function setDemoAvatar(ctx: AppContext, ownerId: string): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="#b4232c"/><stop offset="1" stop-color="#2b1055"/></linearGradient></defs>
<rect width="512" height="512" fill="url(#g)"/>
<text x="256" y="320" text-anchor="middle" font-family="sans-serif" font-size="200" font-weight="700" fill="#fff">S2</text>
</svg>`
  const bytes = await sharp(Buffer.from(svg)).png().toBuffer()
  const uploaded = await ctx.media.upload(ownerId, async () => ({
    bytes,
    alt: 'The Show, season 2',
    credit: null,
    rights: null,
    spoiler: false,
    spoilerLabel: null,
  }))
  if (!uploaded.isReady) {
    ctx.logger.warn({ mediaId: uploaded.media.id }, 'demo avatar still processing; channel left without one')
    return
  }
  await ctx.channels.update(DEMO_SLUG, ownerId, { avatarMediaId: uploaded.media.id })
}

export async function seedDemo(ctx: AppContext): Promise<DemoResult> {
  const origin = originOf(ctx.config.publicUrl)
  const urls = { channelUrl: `${origin}/c/${DEMO_SLUG}`, timelineUrl: `${origin}/c/${DEMO_SLUG}/timeline` }
  const exists = await ctx.db
    .selectFrom('channel')
    .select('id')
    .where('slug', '=', DEMO_SLUG)
    .executeTakeFirst()
  if (exists) return { created: false, ...urls, previewUrl: null, logins: [] }

  // Both checked before anything is made, so a refusal leaves nothing half-seeded.
  const owner = await account(ctx, DEMO_HANDLES.owner, 'The Showrunner (demo)')
  const creator = await account(ctx, DEMO_HANDLES.creator, 'The Co-Creator (demo)')
  const now = ctx.clock.now()
  await ctx.channels.create(owner.row.id, {
    slug: DEMO_SLUG,
    title: 'The Show — on set',
    description: 'Behind the scenes of season 2, from the people making it.',
  })
  const channel = await ctx.db
    .selectFrom('channel')
    .selectAll()
    .where('slug', '=', DEMO_SLUG)
    .executeTakeFirstOrThrow()
  await insertMember(ctx.db, { channelId: channel.id, accountId: creator.row.id, role: 'creator', at: now })
  await ctx.production.set(owner.row.id, DEMO_SLUG, {
    kind: 'series',
    title: 'The Show',
    season: 2,
    chapters: Array.from({ length: 8 }, (_, i) => ({
      title: i === 7 ? 'The Last Chapter' : `Chapter ${i + 1}`,
      airDate: new Date(now + (30 + i * 7) * DAY_MS).toISOString().slice(0, 10),
    })),
    filmingStartsOn: mondayWeeksAgo(now, WEEKS - 1),
    filmingWeeks: WEEKS,
  })
  await setDemoAvatar(ctx, owner.row.id)
  let seed = 0
  const photos = async (authorId: string, count: number, caption: string, spoiler = false) => {
    const media = []
    for (let i = 0; i < count; i++) {
      const bytes = await demoPhoto(++seed, caption, `Photo ${i + 1} of ${count}`)
      const { media: row } = await ctx.media.upload(authorId, async () => ({
        bytes,
        alt: `${caption}, photo ${i + 1}`,
        credit: 'Unit stills',
        rights: 'Editorial use only',
        spoiler,
        spoilerLabel: null,
      }))
      media.push({ id: row.id })
    }
    return media
  }
  const schedule: [number, number, number[], string, string][] = [
    [1, 1, [1], 'Day one. Table read in the morning, first setup by noon.', 'Stage 2'],
    [2, 3, [1, 2], 'Weeks 2–3: the forest unit is out in the rain.', 'Forest unit base'],
    [4, 5, [2, 3], 'The new stage set is up. Our designers outdid themselves.', 'Stage 4'],
    [6, 7, [4, 5], 'Night shoots all week. Coffee count: unknown.', 'Harbour'],
    [8, 10, [5, 6, 7], 'Three chapters in three weeks — the middle stretch.', 'Stage 4'],
    [11, 14, [8], 'Weeks 11–14: Chapter 8, the last chapter, is being shot.', 'Stage 4'],
  ]
  for (const [from, to, chapters, text, location] of schedule) {
    const author = from % 2 === 0 ? creator.row : owner.row
    await ctx.posts.create(author.id, DEMO_SLUG, {
      text,
      media: await photos(author.id, from === 11 ? 3 : 2, `Week ${from}${to > from ? `–${to}` : ''}`),
      production: { weeks: { from, to }, chapters, location, unit: from === 2 ? 'Second unit' : 'Main unit' },
    })
  }
  await ctx.posts.create(owner.row.id, DEMO_SLUG, {
    text: 'Help us choose: which behind-the-scenes clip should we post after the finale?',
    poll: { question: 'Which clip first?', options: ['The chase', 'The last scene', 'Bloopers'] },
  })
  await ctx.posts.create(creator.row.id, DEMO_SLUG, {
    text: 'The final scene, as shot. Tap to reveal — you have been warned.',
    spoiler: true,
    spoilerLabel: 'Chapter 8 finale',
    media: await photos(creator.row.id, 2, 'The final scene', true),
    production: { weeks: { from: 14 }, chapters: [8], location: 'Stage 4' },
  })
  const embargoed = await ctx.posts.create(owner.row.id, DEMO_SLUG, {
    text: 'Trailer for season 2 — out tomorrow.',
    publishAt: new Date(now + DAY_MS).toISOString(),
  })
  const preview = await ctx.previews.create(owner.row.id, DEMO_SLUG, embargoed.post.id, { label: 'Press' })
  await ctx.digests.create(owner.row.id, DEMO_SLUG, {
    title: 'Weeks 11–14 highlights',
    intro: 'The last chapter, from the set.',
    weeks: { from: 11, to: 14 },
  })
  return {
    created: true,
    ...urls,
    previewUrl: preview.url ?? null,
    logins: [
      { handle: owner.row.handle, password: owner.password },
      { handle: creator.row.handle, password: creator.password },
    ],
  }
}

/**
 * The short summary `backlot demo` prints: where to look, on the server's real address (`origin`:
 * the URL the server listens on, or the configured public URL), and how to log in.
 */
export function demoReport(result: DemoResult, origin: string): string {
  const base = origin.replace(/\/$/, '')
  const at = (url: string) => base + new URL(url).pathname + new URL(url).search
  const lines = result.created
    ? ['Demo production channel created.']
    : [`The demo channel "${DEMO_SLUG}" exists already; nothing was changed.`]
  lines.push(`  channel page:  ${at(result.channelUrl)}`, `  timeline:      ${at(result.timelineUrl)}`)
  lines.push(`  in the app:    ${at(result.channelUrl.replace('/c/', '/app/c/'))}`)
  if (result.previewUrl) lines.push(`  press preview: ${at(result.previewUrl)}`)
  if (result.logins.length) {
    lines.push('  logins (shown once; the demo made these accounts):')
    for (const login of result.logins)
      lines.push(`    @${login.handle}  password ${login.password ?? '(as printed when the demo made it)'}`)
  } else {
    lines.push(
      `  logins: @${DEMO_HANDLES.owner} and @${DEMO_HANDLES.creator}, passwords as printed by the first run`,
    )
  }
  return lines.join('\n')
}
