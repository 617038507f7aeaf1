/** The production area's public face: what other folders may import from it (docs/architecture.md). */
export { digestPosts } from './digest-select.js'
export { findDigest, listDigests } from './digest-store.js'
export { digestUrl, rangeLabel } from './digests.js'
export type { KitPost, KitSubject } from './press-kit-subject.js'
export { kitZip } from './press-kit-zip.js'
export type { KitImageFile, OpenedPressKit, PressKitService } from './press-kits.js'
export type { OpenedPreview, PreviewService } from './previews.js'
export { PostProductionViewFields, ProductionCreateFields } from './schemas.js'
export type { ProductionChanged } from './service.js'
export { tagLabels, toTagsView } from './tags.js'
export type { Timeline } from './timeline.js'
export {
  TRACE_CANDIDATES,
  type TracedSource,
  type TraceResult,
  traceableChannel,
  traceLeak,
} from './trace.js'
