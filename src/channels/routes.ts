// STUB — replaced by the channels area implementation.
import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'

export function channelRoutes(_app: App, _ctx: AppContext): void {}
