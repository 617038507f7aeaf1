/** The accounts area's public face: what other folders may import from it (docs/architecture.md). */

export type { OperatorAccountRow } from './admin-store.js'
export type { Revocation } from './auth-cache.js'
export type { LiveCredentials } from './authenticate.js'
export { checkPasswordNotCommon } from './common-passwords.js'
export type { AccountService, LoginResult } from './service.js'
export { createAccountService } from './service.js'
