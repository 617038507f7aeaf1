/** The federation area's public face: what other folders may import from it (docs/architecture.md). */
export type { FederationOverview, FederationService, FollowRequestView, ObjectAnswer } from './service.js'
