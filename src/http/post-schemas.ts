import { type Static, Type } from '@sinclair/typebox'
import { InteractionCreateFields, PostInteractionFields } from '../interactions/index.js'
import { PostLinkPreviewFields } from '../link-previews/index.js'
import {
  AlbumCreateFields,
  AlbumViewFields,
  type CreatePostInput,
  PostCoreViewFields,
  PostCreateFields,
  PostReleaseFields,
  type PostViewData,
  PostWarningsField,
  ReviewViewFields,
} from '../posts/index.js'
import { PostProductionViewFields, ProductionCreateFields } from '../production/index.js'

/**
 * The API's schemas of a post, assembled from what each area contributes: posts (text, spoiler,
 * release, album), interactions (poll, prompt, reactions, views) and production (tags, release
 * state, lifted spoilers). The order of the spreads is the order of the fields in the OpenAPI
 * document. The posts area declares the same fields as types (posts/schemas.ts `CreatePostParts`,
 * `PostViewParts`); the checks at the end keep the two in step.
 */

export const CreatePostBody = Type.Object(
  {
    ...PostCreateFields,
    ...InteractionCreateFields,
    ...AlbumCreateFields,
    ...PostReleaseFields,
    ...ProductionCreateFields,
  },
  { additionalProperties: false },
)

export const PostView = Type.Object({
  ...PostCoreViewFields,
  ...AlbumViewFields,
  ...ReviewViewFields,
  ...PostInteractionFields,
  ...PostProductionViewFields,
  ...PostLinkPreviewFields,
})

/** The answer to creating or editing a post: the post view, and warnings when there are any. */
export const PostWriteView = Type.Object({ ...PostView.properties, ...PostWarningsField })

export const PostPage = Type.Object({
  items: Type.Array(PostView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

/** Exact equality of two object types, optional fields included (the deferred-conditional idiom). */
type Flat<T> = { [K in keyof T]: T[K] }
type Same<A, B> =
  (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false
type Holds<T extends true> = T
/** Compile-time checks: the assembled schemas describe exactly the types posts' code works with. */
export type CreateBodyMatchesInput = Holds<Same<Static<typeof CreatePostBody>, CreatePostInput>>
export type ViewSchemaMatchesData = Holds<Same<Static<typeof PostView>, PostViewData>>
