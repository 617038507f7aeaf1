import { type Static, Type } from '@sinclair/typebox'
import { PostProductionViewFields, ProductionCreateFields, type ProductionTagsViewData } from './schemas.js'

const CreateParts = Type.Object(ProductionCreateFields)
const ViewParts = Type.Object(PostProductionViewFields)

/**
 * The production area's fields of a post — tags in its create request; tags, release state and a
 * lifted spoiler in its view; tags for the public surfaces (hooks.ts) — declared into posts' types
 * (the extension points in posts/schemas.ts and posts/hooks.ts), so that the posts area, which
 * sits below production, never imports them. The read pipeline gets the tags' type this way too.
 */
declare module '../posts/schemas.js' {
  interface CreatePostParts extends Static<typeof CreateParts> {}
  interface PostViewParts extends Static<typeof ViewParts> {}
}

declare module '../posts/hooks.js' {
  interface PublicPostParts {
    /** The post's production tags; null when it has none. */
    tags?: ProductionTagsViewData | null
    /** Their human labels (tags.ts `tagLabels`), with the channel's chapter names. */
    tagLabels?: string[]
  }
}
