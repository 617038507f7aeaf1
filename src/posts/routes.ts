// STUB — replaced by the posts area implementation.
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'

export function postRoutes(_app: App, _ctx: AppContext): void {}
