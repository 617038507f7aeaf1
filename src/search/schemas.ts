import { type Static, Type } from '@sinclair/typebox'
import { QUERY_MAX_LENGTH } from './query.js'

/** Request and response schemas of the search routes (issue 19); they are also the OpenAPI document. */

const strict = { additionalProperties: false } as const

export const tags = ['search']

export const SearchChannelParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) })

const searchFields = {
  q: Type.String({
    minLength: 1,
    maxLength: QUERY_MAX_LENGTH,
    description:
      'Words to look for (letters and digits; anything else separates words). A post matches when any word starts one of its words; posts matching more words, or in their production tags, rank first. At most 8 words count.',
  }),
  kind: Type.Optional(
    Type.Union([Type.Literal('text'), Type.Literal('album'), Type.Literal('poll'), Type.Literal('prompt')], {
      description: 'Only posts of this kind (`album`: the Media tab).',
    }),
  ),
  author: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'Only posts by this handle (without @).' }),
  ),
  tag: Type.Optional(
    Type.String({
      minLength: 3,
      maxLength: 120,
      pattern: '^(week|chapter|location|unit):.+$',
      description:
        'Only posts with this production tag: `week:12` (tagged with a week range holding week 12), `chapter:8`, `location:<as written>`, `unit:<as written>` (case-insensitive).',
    }),
  ),
  has: Type.Optional(
    Type.Literal('link', { description: 'Only posts whose text has a link (the Links tab).' }),
  ),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
}

export const PostSearchQuery = Type.Object(searchFields, strict)
export type PostSearchQueryT = Static<typeof PostSearchQuery>

const Highlight = Type.Object({ start: Type.Integer(), end: Type.Integer() }, strict)

export const SearchResult = Type.Object(
  {
    id: Type.String(),
    channel: Type.Object({ slug: Type.String(), title: Type.String() }, strict),
    kind: Type.Union([
      Type.Literal('text'),
      Type.Literal('album'),
      Type.Literal('poll'),
      Type.Literal('prompt'),
    ]),
    author: Type.Object({ handle: Type.String(), displayName: Type.String() }, strict),
    publishedAt: Type.String({ format: 'date-time' }),
    spoiler: Type.Boolean({
      description: 'A spoiler post: its text is never in a result (members may match it; `snippet` is null).',
    }),
    spoilerLabel: Type.Union([Type.String(), Type.Null()]),
    snippet: Type.Union([
      Type.Object(
        {
          text: Type.String({ description: 'Plain text around the match: escape it like any post text.' }),
          highlights: Type.Array(Highlight, {
            description: 'UTF-16 offsets of the matched words in `text`, end exclusive.',
          }),
        },
        strict,
      ),
      Type.Null(),
    ]),
  },
  strict,
)
export type SearchResultT = Static<typeof SearchResult>

export const SearchPage = Type.Object(
  {
    items: Type.Array(SearchResult),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  strict,
)
