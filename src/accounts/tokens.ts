import type { TokenScope } from '../db/schema.js'
import { newSecret } from '../util/ids.js'

/** Every scope, in the canonical order used for storage and responses. */
export const allScopes: readonly TokenScope[] = ['read', 'post', 'channel:admin']

/** Prefix of API tokens, so leaked tokens are easy to spot (secret scanners, logs). */
export const TOKEN_PREFIX = 'blt_'

export function newApiToken(): string {
  return newSecret(TOKEN_PREFIX)
}

/** Stored form: space-separated, canonical order, no duplicates. */
export function formatScopes(scopes: Iterable<TokenScope>): string {
  return sortScopes(scopes).join(' ')
}

export function parseScopes(text: string): TokenScope[] {
  const known = new Set<string>(allScopes)
  return sortScopes(text.split(' ').filter((s): s is TokenScope => known.has(s)))
}

export function sortScopes(scopes: Iterable<TokenScope>): TokenScope[] {
  const set = new Set(scopes)
  return allScopes.filter((s) => set.has(s))
}

/**
 * The scopes in `wanted` that `held` does not include. A credential may only mint or revoke tokens
 * no more powerful than itself; sessions (`'all'`) hold every scope.
 */
export function missingScopes(
  held: ReadonlySet<TokenScope> | 'all',
  wanted: Iterable<TokenScope>,
): TokenScope[] {
  if (held === 'all') return []
  return sortScopes(wanted).filter((s) => !held.has(s))
}
