/** The search area's public face (issue 19): what other folders may import from it. */

export type { DirectoryCategory, DirectoryRow, DirectorySort } from './directory.js'
export { DIRECTORY_CATEGORIES } from './directory.js'
export { indexPost } from './documents.js'
export type { DirectoryInput, SearchService } from './service.js'
export { DIRECTORY_PAGE_SIZE } from './service.js'
