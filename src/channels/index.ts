/** The channels area's public face: what other folders may import from it (docs/architecture.md). */

export type { ChannelAccess } from './access.js'
export {
  accessFromColumns,
  assertNotArchived,
  assertNotSuspended,
  assertPermission,
  assertReadable,
  canRead,
  channelOfRow,
  isOpenToAnyone,
  isSuspended,
  loadAccessForChannel,
  loadChannelAccess,
  requirePermission,
  requireReadableChannel,
  viewerColumns,
} from './access.js'
export { recordAudit } from './audit.js'
export { loadAvatarView } from './avatar.js'
export { findAvatarChannel } from './avatar-store.js'
export type { HotChannels } from './hot-channels.js'
export { createHotChannels, HOT_CHANNEL_FRESH_MS, readableChannel } from './hot-channels.js'
export { insertMember } from './member-store.js'
export type { OperatorChannelView } from './operators.js'
export { requireOperator } from './operators.js'
export {
  chapterName,
  chaptersCount,
  chaptersPhrase,
  cleanProduction,
  dateToMs,
  productionOf,
} from './production-facts.js'
export type { ProductionInput, ProductionViewData } from './production-schemas.js'
export { CHAPTERS_MAX, DateOnly, ProductionBody, ProductionView, WEEKS_MAX } from './production-schemas.js'
export type { Permission } from './roles.js'
export { roleAllows } from './roles.js'
export { loadPublicChannelView, normaliseSlug } from './rules.js'
export type { ChannelAvatarViewT } from './schemas.js'
export { PageQuery } from './schemas.js'
export { cleanLine, cleanText, invalidField } from './text-fields.js'
export { reactionSetOf } from './views.js'
