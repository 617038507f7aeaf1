import { signal } from '@preact/signals'
import { ApiError, api } from './api.js'
import type { Account } from './types.js'

/** The logged-in account: undefined while loading, null when anonymous. */
export const me = signal<Account | null | undefined>(undefined)

export async function loadMe(): Promise<void> {
  try {
    me.value = await api.get<Account>('/api/v1/me')
  } catch (error) {
    // 401 is simply "anonymous"; anything else too, but the page itself will show its own error.
    me.value = null
    if (!(error instanceof ApiError) || error.status !== 401) console.warn(error)
  }
}

export async function logOut(): Promise<void> {
  await api.delete('/api/v1/sessions/current')
  me.value = null
}
