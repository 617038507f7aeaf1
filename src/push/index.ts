/** The push area's public face: what other folders may import from it (docs/architecture.md). */
export type { AccountNotice } from './notices.js'
