/** The media area's public face: what other folders may import from it (docs/architecture.md). */
export type { MediaVisibility, MediaVisibilityRule } from './access.js'
export { claimMedia } from './claims.js'
export { deleteFilesOfDeletedRows, extensionOf, findFile, openFile } from './files.js'
export { fileCacheControl, mediaImageOrigins } from './redirect.js'
export { ALT_MAX, CREDIT_MAX, MediaVariantView } from './schemas.js'
export type { DeletedMediaRow, MediaFile } from './store.js'
export { deleteMediaRows, findMedia, mediaFileColumns, parseVariants } from './store.js'
export { mediaFileUrl, mediaFileUrls } from './views.js'
