import { type Static, Type } from '@sinclair/typebox'
import { PostProductionViewFields, ProductionCreateFields } from './schemas.js'

const CreateParts = Type.Object(ProductionCreateFields)
const ViewParts = Type.Object(PostProductionViewFields)

/**
 * The production area's fields of a post's create request (tags) and view (tags, release state,
 * a lifted spoiler), declared into posts' types (posts/schemas.ts: the extension point), so that
 * the posts area, which sits below production, never imports them.
 */
declare module '../posts/schemas.js' {
  interface CreatePostParts extends Static<typeof CreateParts> {}
  interface PostViewParts extends Static<typeof ViewParts> {}
}
