import { type Static, Type } from '@sinclair/typebox'
import { WeekRange } from './schemas.js'

const strict = { additionalProperties: false } as const
const Id = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' })
const DateOnly = Type.String({ format: 'date' })
export const DIGEST_POSTS_MAX = 50

const DateRange = Type.Object({ from: DateOnly, to: DateOnly }, strict)

export const CreateDigestBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 120 }),
    intro: Type.Optional(Type.String({ maxLength: 2000 })),
    weeks: Type.Optional(WeekRange),
    dates: Type.Optional(DateRange),
    postIds: Type.Optional(
      Type.Array(Id, {
        maxItems: DIGEST_POSTS_MAX,
        uniqueItems: true,
        description: 'Pick the posts (in this order); default: the most reacted posts of the range.',
      }),
    ),
    maxPosts: Type.Optional(Type.Integer({ minimum: 1, maximum: DIGEST_POSTS_MAX, default: 10 })),
  },
  strict,
)
export type CreateDigestInput = Static<typeof CreateDigestBody>

export const EditDigestBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    intro: Type.Optional(Type.String({ maxLength: 2000 })),
    postIds: Type.Optional(
      Type.Union([Type.Array(Id, { maxItems: DIGEST_POSTS_MAX, uniqueItems: true }), Type.Null()], {
        description: 'null: back to the most reacted posts of the range.',
      }),
    ),
    maxPosts: Type.Optional(Type.Integer({ minimum: 1, maximum: DIGEST_POSTS_MAX })),
  },
  { ...strict, minProperties: 1 },
)
export type EditDigestInput = Static<typeof EditDigestBody>

export const PostDigestBody = Type.Object(
  {
    text: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 3000,
        description: 'Caption; the link to the digest is appended.',
      }),
    ),
    silent: Type.Optional(Type.Boolean()),
  },
  strict,
)
export type PostDigestInput = Static<typeof PostDigestBody>

export const DigestParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  digestId: Type.String({ minLength: 1, maxLength: 100 }),
})

export const DigestPostSummary = Type.Object({
  id: Type.String(),
  url: Type.String(),
  title: Type.String({ description: 'Spoiler-safe one-line title.' }),
  publishedAt: Type.String({ format: 'date-time' }),
  reactions: Type.Integer(),
})

export const DigestView = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  title: Type.String(),
  intro: Type.String(),
  url: Type.String({ description: 'The public page.' }),
  rangeLabel: Type.String({ description: '"Weeks 11–14", "2025-11-01 – 2025-11-14"…' }),
  weeks: Type.Union([Type.Object({ from: Type.Integer(), to: Type.Integer() }), Type.Null()]),
  dates: Type.Union([DateRange, Type.Null()]),
  mode: Type.Union([Type.Literal('auto'), Type.Literal('manual')]),
  maxPosts: Type.Integer(),
  postIds: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: "Staff only: a manual digest's chosen ids (may include scheduled posts).",
  }),
  posts: Type.Array(DigestPostSummary, { description: 'What readers see now (published posts only).' }),
  linkedPostId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type DigestViewData = Static<typeof DigestView>
export const DigestList = Type.Object({ items: Type.Array(DigestView) })
