import type { AddressInfo } from 'node:net'
import type { Config } from './config/config.js'
import { type AppContext, type ContextOverrides, createContext } from './context.js'
import { type App, buildApp } from './http/app.js'
import { installConnectionGuard } from './http/connections/install.js'
import { registerRoutes } from './routes.js'

export interface BacklotServer extends AsyncDisposable {
  app: App
  ctx: AppContext
  /** Base URL actually listened on (with the real port when BACKLOT_PORT=0). */
  url: string
  close(): Promise<void>
}

/** Builds the context and the app, and starts listening. */
export async function startServer(config: Config, overrides: ContextOverrides = {}): Promise<BacklotServer> {
  const ctx = await createContext(config, overrides)
  let app: App
  try {
    app = await buildApp(ctx, (routes) => registerRoutes(routes, ctx))
    installConnectionGuard(app.server, config, ctx)
    await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await ctx.close()
    throw error
  }
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  if (config.publicUrlIsDefault) {
    // BACKLOT_PORT=0 (tests, benchmarks): the public URL is only known once the port is.
    ctx.config = Object.freeze({ ...config, publicUrl: new URL(`http://${host}:${address.port}`) })
  }
  let closing: Promise<void> | undefined
  // Shutdown order (STYLE rule 14): stop accepting and mark not-ready → tell stream clients to
  // reconnect elsewhere → let in-flight requests finish → close bus and database.
  const close = () => {
    closing ??= (async () => {
      ctx.lifecycle.isDraining = true
      ctx.hub.closeAllForShutdown()
      await app.close()
      await ctx.close()
    })()
    return closing
  }
  return { app, ctx, url: `http://${host}:${address.port}`, close, [Symbol.asyncDispose]: close }
}
