/** The media area's public face: what other folders may import from it (docs/architecture.md). */
export type { MediaVisibility, MediaVisibilityRule } from './access.js'
export type { ArchivedAvDeps } from './archived.js'
export { storeArchivedCaption, storeArchivedPoster, storeArchivedRendition } from './archived.js'
export { claimMedia } from './claims.js'
export { deleteFilesOfDeletedRows, extensionOf, findFile, openFile, storeProcessed } from './files.js'
export type { ImageSpoiler } from './image-spoiler.js'
export { IMAGE_SPOILER_LABEL_MAX, nextImageSpoiler } from './image-spoiler.js'
export { processImage } from './processing.js'
export { fileCacheControl, mediaImageOrigins } from './redirect.js'
export { rehostImage } from './rehost.js'
export { ALT_MAX, AvFields, CREDIT_MAX, MediaVariantView, RIGHTS_MAX } from './schemas.js'
export type { DeletedMediaRow, MediaFile } from './store.js'
export {
  completeMedia,
  deleteMediaRows,
  findMedia,
  mediaFileColumns,
  parseCaptions,
  parseVariants,
} from './store.js'
export { readUploadForm } from './upload-form.js'
export { detectAvContainer } from './video/detect.js'
export type { AvView, MediaKind } from './views.js'
export { mediaFileUrl, mediaFileUrls, mediaKindOf, toAvView } from './views.js'
