/** The posts area's public face: what other folders may import from it (docs/architecture.md). */
export type { AlbumImageRow } from './album-public.js'
export type { FeedKey } from './cursor.js'
export { feedCursor } from './cursor.js'
export { assertMayModify, lockVisiblePost, requireVisiblePost } from './guards.js'
export type { PostHooks, PublicPostParts } from './hooks.js'
export { hydratePublicParts, hydrateViews, publicAccess } from './hooks.js'
export type { LinkSpan } from './links.js'
export { findLinks } from './links.js'
export { mediaVisibility } from './media-visibility.js'
export { duePosts, releaseFields, upcomingPosts } from './schedule.js'
export type { CreatePostInput, PostViewData } from './schemas.js'
export {
  ALBUM_MAX,
  AlbumCreateFields,
  AlbumViewFields,
  ChannelParams,
  PostCoreViewFields,
  PostCreateFields,
  PostParams,
  PostReleaseFields,
  ReviewViewFields,
} from './schemas.js'
export type { PostService } from './service.js'
export { findPost, selectPosts } from './store.js'
export type { PostRecord } from './views.js'
export { toPostView } from './views.js'
export { canSeePost, feedStatuses } from './visibility.js'
export type { PostWarningData } from './warnings.js'
export { PostWarningsField } from './warnings.js'
