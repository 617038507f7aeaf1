/** The erasure area's public face: account deletion and the erasure job (issue 17 point 3). */

export type { ErasureService, PendingDeletion } from './service.js'
export { createErasureService, ERASURE_INTERVAL_MS } from './service.js'
export { FORMER_MEMBER } from './store.js'
