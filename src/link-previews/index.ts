/** The link-previews area's public face (docs/architecture.md): a post's first link as a card. */
import './post-parts.js'

export { LinkPreviewView, type LinkPreviewViewData, PostLinkPreviewFields } from './schemas.js'
export type { LinkPreviewService } from './service.js'
