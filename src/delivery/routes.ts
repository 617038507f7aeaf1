import type { AppContext } from '../context.js'
import type { App } from '../http/app.js'
import { addressRanges } from '../http/connections/address.js'
import { sseRoute } from './sse-route.js'
import { StreamAddresses } from './stream-addresses.js'
import { createStreamAdmission } from './stream-admission.js'
import { websocketRoute } from './ws-route.js'

/** Live delivery's HTTP edge: the WebSocket stream and the per-channel SSE stream (docs/protocol.md). */
export function streamRoutes(app: App, ctx: AppContext): void {
  const { streamsPerAddress, exempt } = ctx.config.connections
  const addresses = new StreamAddresses(streamsPerAddress, addressRanges(exempt))
  // One bucket for both transports: a storm is the sum of them (stream-admission.ts).
  const admission = createStreamAdmission(ctx.config.stream.opensPerSecond, ctx.clock)
  websocketRoute(app, ctx, addresses, admission)
  sseRoute(app, ctx, addresses, admission)
}
