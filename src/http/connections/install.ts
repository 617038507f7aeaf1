import type { Server } from 'node:http'
import type { Config } from '../../config/config.js'
import type { Logger } from '../../logger.js'
import type { Metrics } from '../../metrics.js'
import { addressRanges } from './address.js'
import { connectionCapacity, readOpenFileLimit } from './capacity.js'
import { type ConnectionGuard, guardConnections } from './connection-guard.js'

/**
 * Puts the connection guard in front of the server with the configured caps, and logs the
 * capacity it works with (warning when the open-file limit is too low for the reserve).
 */
export function installConnectionGuard(
  server: Server,
  config: Config,
  deps: { logger: Logger; metrics: Metrics },
): ConnectionGuard {
  const capacity = connectionCapacity(config.connections, readOpenFileLimit())
  const logger = deps.logger.child({ area: 'connections' })
  if (capacity.warning) logger.warn({ openFileLimit: capacity.openFileLimit }, capacity.warning)
  logger.info(
    { maxConnections: capacity.connections, openFileLimit: capacity.openFileLimit },
    'connection capacity',
  )
  return guardConnections(server, {
    // Behind a reverse proxy every peer is the proxy: counting by peer would cap all clients
    // together. The proxy limits connections per client; streams are capped by the forwarded
    // address (delivery/stream-addresses.ts).
    perAddress: config.trustProxy === false || config.trustProxy === 0 ? config.connections.perAddress : 0,
    exempt: addressRanges(config.connections.exempt),
    capacity: capacity.connections,
    logger,
    metrics: deps.metrics,
  })
}
