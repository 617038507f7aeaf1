// STUB — replaced by the delivery area implementation.
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'

export function streamRoutes(_app: App, _ctx: AppContext): void {}
