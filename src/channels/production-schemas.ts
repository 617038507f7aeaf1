import { type Static, Type } from '@sinclair/typebox'

/**
 * TypeBox schemas of a channel's production facts (production-facts.ts): the body of
 * `PUT …/production` and the `production` of the channel view. Channels' own, since the facts are
 * stored on the channel row; production's tags and timeline schemas build on them.
 */

const strict = { additionalProperties: false } as const
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])

export const CHAPTERS_MAX = 200
export const WEEKS_MAX = 520
export const TITLE_MAX = 120

export const DateOnly = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD.' })

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
