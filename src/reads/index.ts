/** The reads area's public face: what other folders may import from it (docs/architecture.md). */
export type { ImageBytes } from './image-files.js'
export type { ReadDeps } from './pipeline.js'
export { originOf, presentPosts, readChannelPosts, readPosts } from './pipeline.js'
export { blurredImageText } from './present.js'
export { decideSpoiler, spoilerLiftsAt } from './rules.js'
export { createTracedImages, type TracedImages, type TracedLink } from './traced-images.js'
export type { ImageFile, PublicAv, PublicImage, PublicPost, PublicVoiceNote } from './types.js'
export { channelVersion } from './version-cache.js'
