import { accountRoutes } from './accounts/routes.js'
import { sessionRoutes } from './accounts/session-routes.js'
import { channelRoutes } from './channels/routes.js'
import type { AppContext } from './context.js'
import { streamRoutes } from './delivery/routes.js'
import { erasureRoutes } from './erasure/routes.js'
import { exportRoutes } from './exports/routes.js'
import { instanceBlockRoutes } from './federation/instance-block-routes.js'
import { federationRoutes } from './federation/routes.js'
import type { App } from './http/app.js'
import { interactionRoutes } from './interactions/routes.js'
import { linkPreviewRoutes } from './link-previews/routes.js'
import { captionRoutes } from './media/caption-routes.js'
import { resumableUploadRoutes } from './media/resumable-routes.js'
import { mediaRoutes } from './media/routes.js'
import { opsRoutes } from './ops/routes.js'
import { pageRoutes } from './pages/routes.js'
import { reviewRoutes } from './posts/review-routes.js'
import { postRoutes } from './posts/routes.js'
import { scheduleRoutes } from './posts/schedule-routes.js'
import { pressKitRoutes } from './production/press-kit-routes.js'
import { previewRoutes } from './production/preview-routes.js'
import { productionRoutes } from './production/routes.js'
import { traceRoutes } from './production/trace-routes.js'
import { pushRoutes } from './push/routes.js'
import { reachCounting, reachRoutes } from './reach/routes.js'
import { reportRoutes } from './reports/routes.js'
import { searchRoutes } from './search/routes.js'
import { syndicationRoutes } from './syndication/routes.js'
import { webRoutes } from './web/routes.js'

/**
 * Every area's routes, mounted in one place so the whole API can be read from here. Part of the
 * composition root (docs/architecture.md): it is the one module that knows every route file.
 */
export function registerRoutes(app: App, ctx: AppContext): void {
  // First: its onResponse hook must apply to every route declared after it.
  reachCounting(app, ctx)
  // Before the pages: its content negotiation answers ActivityPub clients on /c/{slug} (federation/routes.ts).
  federationRoutes(app, ctx)
  opsRoutes(app, ctx)
  accountRoutes(app, ctx)
  sessionRoutes(app, ctx)
  erasureRoutes(app, ctx)
  channelRoutes(app, ctx)
  postRoutes(app, ctx)
  linkPreviewRoutes(app, ctx)
  interactionRoutes(app, ctx)
  mediaRoutes(app, ctx)
  resumableUploadRoutes(app, ctx)
  captionRoutes(app, ctx)
  streamRoutes(app, ctx)
  pushRoutes(app, ctx)
  reportRoutes(app, ctx)
  instanceBlockRoutes(app, ctx)
  searchRoutes(app, ctx)
  exportRoutes(app, ctx)
  reachRoutes(app, ctx)
  productionRoutes(app, ctx)
  scheduleRoutes(app, ctx)
  reviewRoutes(app, ctx)
  previewRoutes(app, ctx)
  pressKitRoutes(app, ctx)
  traceRoutes(app, ctx)
  syndicationRoutes(app, ctx)
  pageRoutes(app, ctx)
  // Last: the web app's index.html answers only app paths (/, /app/…, /join/…).
  webRoutes(app, ctx)
}
