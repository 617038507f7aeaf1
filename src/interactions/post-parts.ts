import { type Static, Type } from '@sinclair/typebox'
import type { QuestionRow } from './public-parts.js'
import { InteractionCreateFields, PostInteractionFields } from './schemas.js'

const CreateParts = Type.Object(InteractionCreateFields)
const ViewParts = Type.Object(PostInteractionFields)

/**
 * The interactions area's fields of a post — in its create request, its view, and what the public
 * surfaces read (public-parts.ts) — declared into posts' types (the extension points in
 * posts/schemas.ts and posts/hooks.ts), so that the posts area, which sits below interactions,
 * never imports them.
 */
declare module '../posts/schemas.js' {
  interface CreatePostParts extends Static<typeof CreateParts> {}
  interface PostViewParts extends Static<typeof ViewParts> {}
}

declare module '../posts/hooks.js' {
  interface PublicPostParts {
    /** A poll's or prompt's question (and a poll's options, JSON). */
    question?: QuestionRow
    /** Every reaction to the post. */
    reactions?: number
  }
}
