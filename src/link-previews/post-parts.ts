import { type Static, Type } from '@sinclair/typebox'
import { type LinkPreviewViewData, PostLinkPreviewFields } from './schemas.js'

const ViewParts = Type.Object(PostLinkPreviewFields)

/**
 * The link-previews area's fields of a post, declared into posts' types (posts/schemas.ts and
 * posts/hooks.ts extension points), as production and interactions do: the post view's
 * `linkPreview`, and the same card for the public surfaces, which the read rules hide for a
 * spoiler post exactly as they hide its text.
 */
declare module '../posts/schemas.js' {
  interface PostViewParts extends Static<typeof ViewParts> {}
}

declare module '../posts/hooks.js' {
  interface PublicPostParts {
    linkPreview?: LinkPreviewViewData | null
  }
}
