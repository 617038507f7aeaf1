import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { sseRoute } from './sse-route.js'
import { websocketRoute } from './ws-route.js'

/** Live delivery's HTTP edge: the WebSocket stream and the per-channel SSE stream (docs/protocol.md). */
export function streamRoutes(app: App, ctx: AppContext): void {
  websocketRoute(app, ctx)
  sseRoute(app, ctx)
}
