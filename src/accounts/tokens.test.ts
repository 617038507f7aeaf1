import { describe, expect, it } from 'vitest'
import { formatScopes, missingScopes, newApiToken, parseScopes } from './tokens.js'

describe('token scopes', () => {
  it('stores scopes in one canonical order without duplicates', () => {
    expect(formatScopes(['channel:admin', 'read', 'read'])).toBe('read channel:admin')
    expect(parseScopes('post read bogus')).toEqual(['read', 'post'])
  })

  it('lets a session grant anything and a token only what it holds', () => {
    expect(missingScopes('all', ['read', 'post', 'channel:admin'])).toEqual([])
    expect(missingScopes(new Set(['read'] as const), ['post', 'read'])).toEqual(['post'])
    expect(missingScopes(new Set(['read', 'post'] as const), ['read'])).toEqual([])
  })

  it('makes recognisable, unique tokens', () => {
    const a = newApiToken()
    expect(a).toMatch(/^blt_[A-Za-z0-9_-]{43}$/)
    expect(newApiToken()).not.toBe(a)
  })
})
