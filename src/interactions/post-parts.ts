import { type Static, Type } from '@sinclair/typebox'
import { InteractionCreateFields, PostInteractionFields } from './schemas.js'

const CreateParts = Type.Object(InteractionCreateFields)
const ViewParts = Type.Object(PostInteractionFields)

/**
 * The interactions area's fields of a post's create request and view, declared into posts' types
 * (posts/schemas.ts: the extension point), so that the posts area, which sits below interactions,
 * never imports them.
 */
declare module '../posts/schemas.js' {
  interface CreatePostParts extends Static<typeof CreateParts> {}
  interface PostViewParts extends Static<typeof ViewParts> {}
}
