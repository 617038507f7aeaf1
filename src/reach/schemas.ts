import { type Static, Type } from '@sinclair/typebox'

export const ReachQuery = Type.Object(
  {
    days: Type.Integer({
      minimum: 1,
      maximum: 366,
      default: 30,
      description: 'Days to cover, ending today (UTC).',
    }),
  },
  { additionalProperties: false },
)

const Count = (description: string) => Type.Integer({ minimum: 0, description })
const PostExcerpt = Type.String({
  description: 'The start of the post’s text; empty for a post without text.',
})

export const ReachReportView = Type.Object({
  days: Type.Array(
    Type.Object({
      day: Type.String({ description: 'UTC date, YYYY-MM-DD.' }),
      pages: Count('Views of the channel page and of post pages by people.'),
      embeds: Count('Views of embedded posts (/embed/p/{id}) by people.'),
      feeds: Count('Feed fetches (RSS, Atom, JSON Feed), by readers.'),
      oembed: Count('oEmbed lookups of post pages.'),
      visitors: Count('Distinct visitors of pages and embeds that day (salted daily hash, approximate).'),
      bots: Count('Page and embed requests by bots and link unfurlers, not in the counts above.'),
    }),
  ),
  totals: Type.Object({
    pages: Count('Over the window.'),
    embeds: Count('Over the window.'),
    feeds: Count('Over the window.'),
    oembed: Count('Over the window.'),
    bots: Count('Over the window.'),
  }),
  origins: Type.Array(
    Type.Object({
      origin: Type.String({
        description: 'The embedding site (origin only); `direct` without a Referer, `other` for the rest.',
      }),
      views: Count('Embed views from it.'),
      posts: Count('How many posts it embedded.'),
    }),
    { description: 'Top embedding sites, most views first.' },
  ),
  embeds: Type.Array(
    Type.Object({
      postId: Type.String(),
      excerpt: PostExcerpt,
      origin: Type.String(),
      views: Count('Embed views.'),
    }),
    { description: 'Which site embedded which post, most views first.' },
  ),
  posts: Type.Array(
    Type.Object({
      postId: Type.String(),
      excerpt: PostExcerpt,
      pages: Count('Post page views.'),
      embeds: Count('Embed views.'),
      oembed: Count('oEmbed lookups.'),
    }),
    { description: 'The posts that reached furthest.' },
  ),
  readers: Type.Array(
    Type.Object({
      reader: Type.String({ description: 'Feed reader family (feedly, inoreader, …; browser; other).' }),
      fetches: Count('Feed fetches over the window.'),
      subscribers: Count(
        'Subscribers the reader last reported, summed over feed formats; 0 if it reports none.',
      ),
    }),
  ),
})
export type ReachReport = Static<typeof ReachReportView>
