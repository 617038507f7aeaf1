import { InProcessMessageQueue, MemoryKvStore } from '@fedify/fedify'
import type { Config } from '../../config/config.js'

/**
 * PLACEHOLDER owned by the ap-infra work (issue 18 part 2/3): the lead replaces this file with
 * ap-infra's version at merge. It gives Fedify an in-memory KV store and queue and its default
 * loaders, so the channel actors, inbox and delivery (src/federation) run before that work lands.
 * Nothing but these two names is used from here.
 */
export interface FederationInfraDeps {
  config: Config
}

export function federationInfraOptions(deps: FederationInfraDeps) {
  return {
    kv: new MemoryKvStore(),
    queue: new InProcessMessageQueue(),
    // Loopback peers only in tests (BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS), as src/outbound allows them.
    allowPrivateAddress: deps.config.outbound.allowLoopbackPorts.length > 0,
  }
}

/** The operator's instance block list; nothing is blocked until ap-infra's version lands. */
export async function isBlockedInstance(_host: string): Promise<boolean> {
  return false
}
