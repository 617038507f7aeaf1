/**
 * The one outbound HTTP client and its address guard (issue 18 part 1). Kernel code: it knows no
 * domain area; the composition root builds the client from config and hands it to the areas that
 * fetch URLs they did not choose (link previews; federation later). docs/security.md describes
 * what is refused and how.
 */
export { embeddedIpv4Addresses, isLoopbackAddress, isPublicAddress, unbracket } from './addresses.js'
export {
  createOutboundClient,
  MAX_HEADER_BYTES,
  MAX_REDIRECTS,
  type OutboundClient,
  type OutboundClientOptions,
  type OutboundRequest,
  type OutboundResponse,
} from './client.js'
export {
  createGuardedLookup,
  type DialPolicy,
  type HostResolver,
  isAllowedAddress,
  publicOnly,
  refuseLiteral,
} from './dial-guard.js'
export { OutboundError, type OutboundErrorCode } from './errors.js'
