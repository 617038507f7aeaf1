import type { Migration } from 'kysely'
import * as m0001 from './0001-init.js'
import * as m0002 from './0002-media.js'
import * as m0003 from './0003-interactions.js'
import * as m0004 from './0004-push.js'
import * as m0005 from './0005-production.js'
import * as m0006 from './0006-channel-avatar.js'
import * as m0007 from './0007-event-redaction.js'
import * as m0010 from './0010-languages.js'
import * as m0011 from './0011-session-devices.js'
import * as m0012 from './0012-media-rights.js'
import * as m0013 from './0013-post-review.js'
import * as m0014 from './0014-reports.js'
import * as m0015 from './0015-account-deletion.js'
import * as m0016 from './0016-exports.js'
import * as m0017 from './0017-reach.js'
import * as m0018 from './0018-search.js'
import * as m0019 from './0019-presskit.js'
import * as m0020 from './0020-video.js'
import * as m0021 from './0021-outbound.js'
import * as m0022 from './0022-presskit-digest.js'
import * as m0023 from './0023-search-spoiler-lift.js'
import * as m0024 from './0024-resumable-uploads.js'
import * as m0025 from './0025-media-captions-work.js'
import * as m0026 from './0026-federation-infra.js'
import * as m0027 from './0027-federation.js'
import * as m0028 from './0028-federation-cursor.js'

/**
 * Ordered registry of migrations. Add new ones at the end; never edit a migration that has shipped.
 * Kysely applies them in name order and refuses a database that ran a later one first, so a number
 * is never reused or filled in later: 0008 and 0009 were never used.
 */
export const migrations: Record<string, Migration> = {
  '0001-init': m0001,
  '0002-media': m0002,
  '0003-interactions': m0003,
  '0004-push': m0004,
  '0005-production': m0005,
  '0006-channel-avatar': m0006,
  '0007-event-redaction': m0007,
  '0010-languages': m0010,
  '0011-session-devices': m0011,
  '0012-media-rights': m0012,
  '0013-post-review': m0013,
  '0014-reports': m0014,
  '0015-account-deletion': m0015,
  '0016-exports': m0016,
  '0017-reach': m0017,
  '0018-search': m0018,
  '0019-presskit': m0019,
  '0020-video': m0020,
  '0021-outbound': m0021,
  '0022-presskit-digest': m0022,
  '0023-search-spoiler-lift': m0023,
  '0024-resumable-uploads': m0024,
  '0025-media-captions-work': m0025,
  '0026-federation-infra': m0026,
  '0027-federation': m0027,
  '0028-federation-cursor': m0028,
}
