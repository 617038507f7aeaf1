import { type Static, Type } from '@sinclair/typebox'

/** TypeBox schemas of production facts (channels) and production tags (posts); see facts.ts, tags.ts. */

const strict = { additionalProperties: false } as const
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])

export const CHAPTERS_MAX = 200
export const WEEKS_MAX = 520
export const TITLE_MAX = 120
export const LOCATION_MAX = 100
export const UNIT_MAX = 60

const DateOnly = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD.' })

export const ProductionKind = Type.Union([
  Type.Literal('series'),
  Type.Literal('film'),
  Type.Literal('tour'),
  Type.Literal('other'),
])

export const ChapterBody = Type.Object(
  {
    title: Type.Optional(Nullable(Type.String({ maxLength: TITLE_MAX }))),
    airDate: Type.Optional(Nullable(DateOnly)),
  },
  strict,
)

export const ProductionBody = Type.Object(
  {
    kind: ProductionKind,
    title: Type.String({ minLength: 1, maxLength: TITLE_MAX }),
    season: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 999 }))),
    chapterLabel: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20,
        description: 'What the parts are called ("Chapter", "Episode", "Show"…); default Chapter.',
      }),
    ),
    chapters: Type.Optional(
      Type.Array(ChapterBody, {
        maxItems: CHAPTERS_MAX,
        description: 'The chapters/episodes in order; chapter n is item n − 1.',
      }),
    ),
    filmingStartsOn: Type.Optional(Nullable(DateOnly)),
    filmingWeeks: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, maximum: WEEKS_MAX, description: 'Planned length of filming.' })),
    ),
    autoLiftSpoilers: Type.Optional(
      Type.Boolean({
        description:
          "Spoiler posts tagged with chapters lift by themselves once the last tagged chapter's air date has ended everywhere (12:00 UTC the next day).",
      }),
    ),
  },
  strict,
)
export type ProductionInput = Static<typeof ProductionBody>

export const ChapterView = Type.Object({
  number: Type.Integer(),
  title: Nullable(Type.String()),
  airDate: Nullable(DateOnly),
})
export const ProductionView = Type.Object({
  kind: ProductionKind,
  title: Type.String(),
  season: Nullable(Type.Integer()),
  chapterLabel: Type.String(),
  chapters: Type.Array(ChapterView),
  filmingStartsOn: Nullable(DateOnly),
  filmingWeeks: Nullable(Type.Integer()),
  autoLiftSpoilers: Type.Boolean(),
})
export type ProductionViewData = Static<typeof ProductionView>

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
