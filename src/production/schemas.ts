import { type Static, Type } from '@sinclair/typebox'
import { CHAPTERS_MAX, DateOnly, ProductionView, WEEKS_MAX } from '../channels/index.js'

/**
 * TypeBox schemas of production tags (posts; see tags.ts), the timeline and the production route.
 * The schemas of a channel's production facts are channels' (channels/production-schemas.ts).
 */

const strict = { additionalProperties: false } as const
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])

export const LOCATION_MAX = 100
export const UNIT_MAX = 60

export const WeekRange = Type.Object(
  {
    from: Type.Integer({ minimum: 1, maximum: WEEKS_MAX }),
    to: Type.Optional(Type.Integer({ minimum: 1, maximum: WEEKS_MAX, description: 'Default: from.' })),
  },
  strict,
)

export const ProductionTagsBody = Type.Object(
  {
    weeks: Type.Optional(Nullable(WeekRange)),
    chapters: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: CHAPTERS_MAX }), { maxItems: 20, uniqueItems: true }),
    ),
    location: Type.Optional(
      Nullable(
        Type.String({
          maxLength: LOCATION_MAX,
          description: 'Free text chosen by the poster; never derived from photo metadata.',
        }),
      ),
    ),
    unit: Type.Optional(Nullable(Type.String({ maxLength: UNIT_MAX, description: 'e.g. "Second unit".' }))),
  },
  strict,
)
export type ProductionTagsInput = Static<typeof ProductionTagsBody>

export const ProductionTagsView = Type.Object({
  weeks: Nullable(Type.Object({ from: Type.Integer(), to: Type.Integer() })),
  chapters: Type.Array(Type.Integer()),
  location: Nullable(Type.String()),
  unit: Nullable(Type.String()),
})
export type ProductionTagsViewData = Static<typeof ProductionTagsView>

/** What the production area adds to a post's create request (production/hooks.ts `insertFields`). */
export const ProductionCreateFields = { production: Type.Optional(ProductionTagsBody) }

/** What the production area adds to the post view (production/hooks.ts). */
export const PostProductionViewFields = {
  production: Type.Optional(Nullable(ProductionTagsView)),
  publishAt: Type.Optional(
    Nullable(Type.String({ format: 'date-time', description: 'Embargo time of a scheduled post.' })),
  ),
  publishedLate: Type.Optional(
    Type.Boolean({ description: 'Published by the start-up sweep well after publishAt (server was down).' }),
  ),
  spoilerLiftedAt: Type.Optional(
    Type.String({ format: 'date-time', description: "The spoiler lifted after the chapter's air date." }),
  ),
}

const PostSummary = Type.Object({
  id: Type.String(),
  url: Type.String(),
  title: Type.String({ description: 'Spoiler-safe one-line title.' }),
  publishedAt: Type.String({ format: 'date-time' }),
  isSpoiler: Type.Boolean(),
})

export const TimelineView = Type.Object({
  channel: Type.String(),
  production: Nullable(ProductionView),
  lastChapter: Nullable(
    Type.Object({
      number: Type.Integer(),
      of: Type.Integer(),
      name: Type.String(),
      isLast: Type.Boolean(),
      label: Type.String({ description: '"Chapter 8 of 8 — the last chapter"' }),
    }),
  ),
  weeks: Type.Array(
    Type.Object({
      week: Nullable(Type.Integer({ description: 'Filming week; null for a calendar week.' })),
      label: Type.String(),
      startsOn: Nullable(DateOnly),
      chapters: Type.Array(Type.Object({ number: Type.Integer(), name: Type.String() })),
      postCount: Type.Integer(),
      posts: Type.Array(PostSummary, { description: 'The newest posts of the week (at most 6).' }),
      cover: Nullable(
        Type.Object({
          url: Type.String(),
          width: Type.Integer(),
          height: Type.Integer(),
          alt: Type.String(),
          isSpoiler: Type.Boolean({ description: 'The url is the blurred rendering.' }),
        }),
      ),
    }),
  ),
})
export type TimelineViewData = Static<typeof TimelineView>
export const ProductionResponse = Type.Object({ production: Nullable(ProductionView) })
