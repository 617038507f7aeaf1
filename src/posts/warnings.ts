import { type Static, Type } from '@sinclair/typebox'
import type { PostViewData } from './schemas.js'

/**
 * Warnings about a post that was written anyway (issue 16 point 6): what readers will miss, said
 * once to the person posting — the API's answer to the studio's "no alt text" warning, so the CLI
 * and other clients can tell their users too. They never refuse a post; a client that wants to
 * refuse (`backlot post --strict`) checks before it sends.
 */
export const PostWarning = Type.Object({
  code: Type.Literal('alt-missing', { description: 'An album image has no alt text.' }),
  pointer: Type.String({ description: 'JSON pointer to the item in the post\'s `media`, e.g. "/media/1".' }),
  detail: Type.String({ description: 'A sentence for people.' }),
})
export type PostWarningData = Static<typeof PostWarning>

export const PostWarningsField = {
  warnings: Type.Optional(
    Type.Array(PostWarning, {
      description:
        'Only in the answer to creating or editing a post, and only when there is something to say.',
    }),
  ),
}

/** The warnings about a post as it now stands: one per album image without alt text, in album order. */
export function postWarnings(view: Pick<PostViewData, 'media'>): PostWarningData[] {
  const media = view.media ?? []
  return media.flatMap((item, i) =>
    item.alt.trim() === ''
      ? [
          {
            code: 'alt-missing' as const,
            pointer: `/media/${i}`,
            detail: `Image ${i + 1} of ${media.length} has no alt text: people using screen readers will not know what it shows.`,
          },
        ]
      : [],
  )
}

/** The post view of a create or edit answer: the view itself, plus `warnings` when there are any. */
export function withWarnings<T extends Pick<PostViewData, 'media'>>(
  view: T,
): T & { warnings?: PostWarningData[] } {
  const warnings = postWarnings(view)
  return warnings.length > 0 ? { ...view, warnings } : view
}
