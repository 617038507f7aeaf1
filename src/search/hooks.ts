import type { PostHooks } from '../posts/index.js'
import { indexPost } from './documents.js'
import { deleteDocument } from './store.js'

/**
 * Search's part of posts (issue 19): a post is indexed in the transaction that publishes it or
 * edits it while published, and leaves the index in the transaction that deletes it. Drafts,
 * scheduled (embargoed) and in-review posts are never indexed, so no search can find them.
 */
export function createSearchHooks(): PostHooks {
  return {
    published: (tx, post) => indexPost(tx, post),
    async erase(tx, post) {
      await deleteDocument(tx, post.id)
      return undefined
    },
  }
}
