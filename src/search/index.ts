/** The search area's public face (issue 19): what other folders may import from it. */
export type { SearchService } from './service.js'
