import { type Static, Type } from '@sinclair/typebox'
import {
  ALT_MAX,
  AvFields,
  CREDIT_MAX,
  IMAGE_SPOILER_LABEL_MAX,
  MediaVariantView,
  RIGHTS_MAX,
} from '../media/index.js'

/**
 * The posts area's own schemas. A post's create body and view are posts' fields plus what other
 * areas add (interactions: poll, prompt, reactions…; production: tags, release state…): each area
 * exports its fields, and the HTTP surface assembles the full TypeBox schemas in one place
 * (http/post-schemas.ts), so the OpenAPI document and validation see one object while posts never
 * imports the areas above it. The types posts works with extend through the interfaces at the end
 * of this file (`CreatePostParts`, `PostViewParts`).
 */

/** Limits of a text post (Telegram's 4,096-character message, counted in code points after trimming). */
export const TEXT_MAX = 4096
/** One limit for a post's spoiler label and an image's. */
export const SPOILER_LABEL_MAX = IMAGE_SPOILER_LABEL_MAX
export const PAGE_DEFAULT = 20
export const PAGE_MAX = 100
/** Images in one album post. */
export const ALBUM_MAX = 20

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const ChannelParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) })
export const PostParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
})

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7E]{1,200}$',
      description:
        'Retrying with the same key returns the post made by the first request (1–200 visible ASCII characters).',
    }),
  ),
})

const Text = Type.String({ minLength: 1, maxLength: TEXT_MAX, description: 'Plain text; trimmed.' })
const SpoilerLabel = Type.String({ maxLength: SPOILER_LABEL_MAX })

/** One image of an album, as sent: a ready upload of yours, and what to show with it in this post. */
export const AlbumItemInput = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', description: 'Media id from POST /api/v1/media' }),
    alt: Type.Optional(
      Type.String({
        maxLength: ALT_MAX,
        description: "Alt text; default: the upload's (or, on edit, the current).",
      }),
    ),
    credit: Type.Optional(Type.Union([Type.String({ maxLength: CREDIT_MAX }), Type.Null()])),
    rights: Type.Optional(
      Type.Union([Type.String({ maxLength: RIGHTS_MAX }), Type.Null()], {
        description: 'Usage rights ("Editorial use only, no resale"); null for none.',
      }),
    ),
    spoiler: Type.Optional(
      Type.Boolean({ description: 'Blur this image until the reader taps it; false also drops its label.' }),
    ),
    spoilerLabel: Type.Optional(
      Type.Union([Type.String({ maxLength: SPOILER_LABEL_MAX }), Type.Null()], {
        description: 'What this image spoils, shown on its blurred cover; a label alone marks it a spoiler.',
      }),
    ),
  },
  { additionalProperties: false },
)
export type AlbumItemInputData = Static<typeof AlbumItemInput>

const AlbumInput = Type.Array(AlbumItemInput, {
  minItems: 1,
  maxItems: ALBUM_MAX,
  description: `An album: 1–${ALBUM_MAX} images, in this order. Makes the post an album (text optional).`,
})

/** Posts' own fields of a create request (the HTTP surface adds the other areas'). */
export const PostCreateFields = {
  text: Type.Optional(Text),
  spoiler: Type.Optional(Type.Boolean({ description: 'Hide behind a tap until the reader opts in.' })),
  spoilerLabel: Type.Optional(Nullable(SpoilerLabel)),
  silent: Type.Optional(Type.Boolean({ description: 'Publish without push notifications.' })),
}

/** The album of a create request (album.ts). */
export const AlbumCreateFields = { media: Type.Optional(AlbumInput) }

/** Fields a create request may carry to make a draft or a scheduled post (schedule.ts). */
export const PostReleaseFields = {
  status: Type.Optional(
    Type.Union([Type.Literal('published'), Type.Literal('draft'), Type.Literal('scheduled')], {
      description: 'Default: published, or scheduled when publishAt is given.',
    }),
  ),
  publishAt: Type.Optional(
    Type.String({ format: 'date-time', description: 'Embargo: publish at this moment (scheduled posts).' }),
  ),
}
const ReleaseBody = Type.Object(PostReleaseFields)
export type ReleaseInput = Static<typeof ReleaseBody>

const PostCreateBody = Type.Object({ ...PostCreateFields, ...AlbumCreateFields, ...PostReleaseFields })
/** A validated create request: posts' fields and every other area's (CreatePostParts). */
export type CreatePostInput = Static<typeof PostCreateBody> & CreatePostParts

export const EditPostBody = Type.Object(
  {
    text: Type.Optional(
      Type.String({
        maxLength: TEXT_MAX,
        description: 'Plain text; trimmed. Empty removes the caption of an album, poll or prompt.',
      }),
    ),
    spoiler: Type.Optional(Type.Boolean()),
    spoilerLabel: Type.Optional(Nullable(SpoilerLabel)),
    silent: Type.Optional(Type.Boolean()),
    media: Type.Optional(
      Type.Array(AlbumItemInput, {
        minItems: 1,
        maxItems: ALBUM_MAX,
        description:
          'Albums only: the full new list, in order. New ids are claimed like on creation; images left out are deleted.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type EditPostInput = Static<typeof EditPostBody>

export const ListPostsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page.' })),
  pinned: Type.Optional(Type.Boolean({ description: 'Only pinned posts.' })),
})
export type ListPostsQueryInput = Static<typeof ListPostsQuery>

const Iso = Type.String({ format: 'date-time' })
const IsoOrNull = Type.Union([Iso, Type.Null()])

export const AuthorView = Type.Object({ handle: Type.String(), displayName: Type.String() })

export const LinkView = Type.Object({
  url: Type.String(),
  start: Type.Integer({ description: 'UTF-16 offset of the link in text.' }),
  end: Type.Integer({ description: 'UTF-16 offset just past the link.' }),
})

export const AlbumItemView = Type.Object({
  id: Type.String({ description: 'Media id' }),
  position: Type.Integer({ description: 'Place in the album, from 0.' }),
  width: Type.Integer({ description: 'After EXIF orientation' }),
  height: Type.Integer(),
  blurhash: Type.Union([Type.String(), Type.Null()]),
  alt: Type.String(),
  credit: Type.Union([Type.String(), Type.Null()]),
  rights: Type.Union([Type.String(), Type.Null()], { description: 'Usage rights, as typed by a person.' }),
  spoiler: Type.Boolean({ description: 'Blur this image until the reader taps it.' }),
  spoilerLabel: Type.Union([Type.String(), Type.Null()], {
    description: 'What the image spoils, to show on its blurred cover.',
  }),
  variants: Type.Array(MediaVariantView),
  originalUrl: Type.Union([Type.String(), Type.Null()]),
  ...AvFields,
})
export type AlbumItemViewData = Static<typeof AlbumItemView>

/** Posts' own fields of the post view, common to every kind. */
export const PostCoreViewFields = {
  id: Type.String(),
  channel: Type.String({ description: 'Channel slug.' }),
  author: AuthorView,
  kind: Type.Union([
    Type.Literal('text'),
    Type.Literal('album'),
    Type.Literal('poll'),
    Type.Literal('prompt'),
  ]),
  text: Type.String({ description: 'Exactly as written; clients must escape it.' }),
  links: Type.Array(LinkView),
  status: Type.Union([
    Type.Literal('draft'),
    Type.Literal('in_review'),
    Type.Literal('scheduled'),
    Type.Literal('published'),
    Type.Literal('deleted'),
  ]),
  publishedAt: IsoOrNull,
  editedAt: IsoOrNull,
  pinned: Type.Boolean(),
  pinnedAt: IsoOrNull,
  spoiler: Type.Boolean(),
  spoilerLabel: Type.Union([Type.String(), Type.Null()]),
  silent: Type.Boolean(),
  revision: Type.Integer({ description: 'Number of edits so far.' }),
}

/** What the album hook adds to the view (album.ts). */
export const AlbumViewFields = {
  media: Type.Optional(Type.Array(AlbumItemView, { description: "An album's images, in order." })),
}

/** The sign-off state of a post (review.ts), on the view for the channel's staff only. */
export const ReviewView = Type.Object({
  state: Type.Union(
    [
      Type.Literal('in_review'),
      Type.Literal('withdrawn'),
      Type.Literal('approved'),
      Type.Literal('returned'),
    ],
    { description: 'The last step of its review.' },
  ),
  comment: Type.Union([Type.String(), Type.Null()], {
    description: "The approver's comment when returned; null otherwise.",
  }),
  by: AuthorView,
  at: Iso,
  submittedAt: Iso,
})
export type ReviewViewData = Static<typeof ReviewView>

/** What the review hook adds to the view (review-hooks.ts). */
export const ReviewViewFields = {
  review: Type.Optional({
    ...ReviewView,
    description: 'Staff only, once it was submitted for review: the last step of its sign-off.',
  }),
}

const PostOwnView = Type.Object({ ...PostCoreViewFields, ...AlbumViewFields, ...ReviewViewFields })
/** A post view: posts' fields and what every area's hook added (PostViewParts). */
export type PostViewData = Static<typeof PostOwnView> & PostViewParts

export const AlbumItemSnapshot = Type.Object({
  id: Type.String(),
  alt: Type.String(),
  credit: Type.Union([Type.String(), Type.Null()]),
  // Optional: revisions saved before rights and image labels existed (migration 0009) lack them.
  rights: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  spoiler: Type.Boolean(),
  spoilerLabel: Type.Optional(Type.Union([Type.String(), Type.Null()])),
})
export type AlbumItemSnapshotData = Static<typeof AlbumItemSnapshot>

export const RevisionSnapshot = Type.Object({
  text: Type.String(),
  spoiler: Type.Boolean(),
  spoilerLabel: Type.Union([Type.String(), Type.Null()]),
  silent: Type.Boolean(),
  media: Type.Optional(
    Type.Array(AlbumItemSnapshot, {
      description: "An album's images as they were, in order (images removed since are deleted).",
    }),
  ),
})
export type RevisionSnapshotData = Static<typeof RevisionSnapshot>

export const RevisionView = Type.Object({
  revision: Type.Integer({ description: 'The revision this snapshot was, before the edit.' }),
  editor: AuthorView,
  snapshot: RevisionSnapshot,
  createdAt: Iso,
})

export const RevisionList = Type.Object({ items: Type.Array(RevisionView) })
export type RevisionViewData = Static<typeof RevisionView>

/**
 * The extension point of posts' types. An area that adds fields to a create request or to the post
 * view (through its PostHooks) declares them here by module augmentation — e.g. interactions'
 * post-parts.ts: `declare module '../posts/schemas.js' { interface PostViewParts { poll?: … } }` —
 * so posts' code sees them typed without importing the area. The TypeBox schemas of the same
 * fields are assembled in http/post-schemas.ts, which checks at compile time that both agree.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by other areas through declaration merging
export interface CreatePostParts {}
// biome-ignore lint/suspicious/noEmptyInterface: filled by other areas through declaration merging
export interface PostViewParts {}
