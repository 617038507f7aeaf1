import dns from 'node:dns'
import { isIP, type LookupFunction, type Socket } from 'node:net'
import { isLoopbackAddress, isPublicAddress, unbracket } from './addresses.js'

/**
 * The connect-time address guard every outbound connection goes through (issue 18 part 1): the
 * address checked is the one the socket dials, because the check sits in the socket's own `lookup`
 * hook, not in a resolve-then-connect step a rebinding DNS answer could slip between.
 */
export interface DialPolicy {
  /**
   * Test only: loopback ports that may be dialled (BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS), or `any`
   * for push's BACKLOT_PUSH_ALLOW_LOOPBACK. Empty in production: every non-public address is refused.
   * A list of ports, not a switch, so a test server is reachable while canaries on other loopback
   * ports — and the rest of the host's services — stay out of reach.
   */
  loopbackPorts: ReadonlySet<number> | 'any'
  /** Test only: answers name lookups instead of DNS (the DNS-rebinding test), wired through createContext overrides. */
  resolve?: HostResolver
}

/** Name resolution: every address a name has, in the order they should be tried. */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>

/** A policy that lets only public unicast addresses through. */
export const publicOnly: DialPolicy = { loopbackPorts: new Set() }

/** The code of every error this guard raises; the client turns it into `address-refused`, push's transport reads it as is. */
export const REFUSED_CODE = 'EPRIVATE'

export function isAllowedAddress(address: string, port: number, policy: DialPolicy): boolean {
  if (isPublicAddress(address)) return true
  if (!isLoopbackAddress(address)) return false
  return policy.loopbackPorts === 'any' || policy.loopbackPorts.has(port)
}

export function refusedError(message: string): Error {
  return Object.assign(new Error(message), { code: REFUSED_CODE })
}

/**
 * A `lookup` for net.connect / tls.connect that drops the addresses `policy` refuses and fails
 * when none is left, so the socket can only dial an allowed address. Node skips `lookup` for an
 * IP-literal host: check those with `isAllowedAddress` before connecting.
 */
export function createGuardedLookup(policy: DialPolicy, port: number): LookupFunction {
  return (hostname, options, callback) => {
    const answer = (error: Error | null, addresses: { address: string; family: number }[]) => {
      if (error) return callback(error as NodeJS.ErrnoException, '', 0)
      const allowed = addresses.filter((a) => isAllowedAddress(a.address, port, policy))
      if (allowed.length === 0) {
        return callback(refusedError(`${hostname} resolves only to refused addresses`), '', 0)
      }
      // biome-ignore lint/suspicious/noExplicitAny: Node calls with all: true since autoSelectFamily.
      if (options.all) return (callback as any)(null, allowed)
      callback(null, allowed[0]!.address, allowed[0]!.family)
    }
    if (policy.resolve) {
      policy.resolve(hostname).then(
        (addresses) => answer(null, addresses),
        (error: Error) => answer(error, []),
      )
      return
    }
    dns.lookup(hostname, { ...options, all: true }, answer)
  }
}

/** Checks an IP-literal host before dialling (a name is checked by the lookup); null when allowed. */
export function refuseLiteral(hostname: string, port: number, policy: DialPolicy): Error | null {
  const host = unbracket(hostname)
  if (!isIP(host) || isAllowedAddress(host, port, policy)) return null
  return refusedError(`${host} is not a public address`)
}

/**
 * The last word after connecting: the peer the socket reached must be allowed. The lookup already
 * made this so; checking again costs nothing and catches any path that bypassed it.
 */
export function refuseConnectedPeer(socket: Socket, port: number, policy: DialPolicy): Error | null {
  const peer = socket.remoteAddress
  if (peer && isAllowedAddress(peer, port, policy)) return null
  return refusedError(`connected to refused address ${peer ?? '(unknown)'}`)
}
