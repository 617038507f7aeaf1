/** The reports area's public face: what other folders may import from it (docs/architecture.md). */
export type { CaseActions } from './actions.js'
export { REPORT_REASONS } from './reasons.js'
export type { CaseViewT } from './schemas.js'
export { createReportService, type ReportService } from './service.js'
