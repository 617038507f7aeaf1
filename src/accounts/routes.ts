// STUB — replaced by the accounts area implementation.
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'

export function accountRoutes(_app: App, _ctx: AppContext): void {}
