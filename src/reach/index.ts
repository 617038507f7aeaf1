/** The reach area's public face: what other folders may import from it (docs/architecture.md). */
export type { ReachClient, ReachHit, ReachRequest, ReachSource } from './hits.js'
export { embedOrigin, reachOf } from './hits.js'
export { ReachQuery, ReachReportView } from './schemas.js'
export type { ReachService } from './service.js'
export { createReachService, REACH_ROLLUP_INTERVAL_MS } from './service.js'
