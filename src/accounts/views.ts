import type { Static } from '@sinclair/typebox'
import type { AccountRow, TokenScope } from '../db/schema.js'
import { isLanguage } from '../i18n/index.js'
import type { AccountView, MeView, SessionView, TokenView } from './schemas.js'
import type { ApiTokenRow, SessionListRow } from './store.js'
import { allScopes, parseScopes, sortScopes } from './tokens.js'

export function toAccountView(account: AccountRow): Static<typeof AccountView> {
  return {
    id: account.id,
    handle: account.handle,
    displayName: account.display_name,
    isAdmin: account.is_admin === 1,
    createdAt: new Date(account.created_at).toISOString(),
  }
}

/**
 * How a request was authenticated: the fields of the HTTP edge's `Auth` (src/http/auth.ts) that the
 * account view shows. Declared here so that accounts does not import the HTTP layer above it.
 */
export interface AuthMethod {
  via: 'session' | 'token'
  scopes: ReadonlySet<TokenScope> | 'all'
}

/** The caller's own account, with private fields and how the request was authenticated. */
export function toMeView(account: AccountRow, auth: AuthMethod): Static<typeof MeView> {
  return {
    ...toAccountView(account),
    email: account.email,
    deletionDueAt: account.deletion_due_at === null ? null : new Date(account.deletion_due_at).toISOString(),
    language: isLanguage(account.language) ? account.language : null,
    auth: {
      via: auth.via,
      scopes: auth.scopes === 'all' ? [...allScopes] : sortScopes(auth.scopes),
    },
  }
}

/** A session as its person sees it; `current` marks the one making the request. */
export function toSessionView(
  row: SessionListRow,
  currentSessionId: string | undefined,
): Static<typeof SessionView> {
  return {
    id: row.public_id,
    device: row.device,
    network: row.network,
    createdAt: new Date(row.created_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    current: row.id === currentSessionId,
  }
}

/** Never includes the secret or its hash. */
export function toTokenView(row: ApiTokenRow): Static<typeof TokenView> {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  }
}
