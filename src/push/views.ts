import type { Static } from '@sinclair/typebox'
import type { PushSubscriptionRow } from '../db/schema.js'
import type { SubscriptionView } from './schemas.js'

/** A device as its owner sees it; the keys never leave the server again. */
export function toSubscriptionView(row: PushSubscriptionRow): Static<typeof SubscriptionView> {
  return {
    id: row.id,
    endpoint: row.endpoint,
    label: row.label,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
  }
}
