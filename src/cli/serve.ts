import { loadConfig, unknownBacklotVariables } from '../config/config.js'
import { startServer } from '../server.js'

/** `backlot serve`: start on the configured (or embedded default) settings until SIGINT/SIGTERM. */
export async function runServe(_args: string[]): Promise<number> {
  const config = loadConfig()
  const server = await startServer(config)
  const log = server.ctx.logger
  for (const name of unknownBacklotVariables())
    log.warn({ variable: name }, 'unknown BACKLOT_ variable ignored (typo?)')
  log.info(
    {
      url: server.url,
      publicUrl: config.publicUrl.href,
      database: config.database.kind,
      dataDir: config.dataDir,
    },
    `Backlot is listening on ${server.url}`,
  )
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down')
      server.close().then(resolve, (error: unknown) => {
        log.error({ err: error }, 'shutdown failed')
        resolve()
      })
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
  return 0
}
