/** The exports area's public face: what other folders may import from it (docs/architecture.md). */

export { exportChannelToFile } from './channel-file.js'
export type { ImportResult } from './import.js'
export { ImportError, importChannel } from './import.js'
export { CHANNEL_FORMAT, FORMAT_VERSION, PERSON_FORMAT } from './plans.js'
export type { ExportService } from './service.js'
export { createExportService, EXPORT_SWEEP_INTERVAL_MS } from './service.js'
