import { createECDH } from 'node:crypto'
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { fail } from '../errors.js'
import { isLoopbackAddress, isPublicAddress, unbracket } from '../outbound/index.js'

/** Longest endpoint URL accepted; real ones (FCM, Mozilla, Apple, Microsoft) are under 600 characters. */
export const ENDPOINT_MAX = 2048

export type ResolveHost = (hostname: string) => Promise<string[]>

export interface EndpointPolicy {
  /** Test setting (BACKLOT_PUSH_ALLOW_LOOPBACK): loopback hosts are accepted, over http too. */
  allowLoopback: boolean
  /** DNS resolution; tests substitute their own. */
  resolve?: ResolveHost
}

export const resolveWithDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address)

/**
 * Checks a subscription endpoint before it is stored: an absolute https URL without credentials
 * whose host is a public address or a name that resolves only to public addresses (DESIGN rule 7).
 * The transport checks the addresses again when it connects, so a name that later resolves to a
 * private address (DNS rebinding) is still refused. Returns the parsed URL.
 */
export async function checkEndpoint(raw: string, policy: EndpointPolicy): Promise<URL> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    fail('push-endpoint-invalid', 'The endpoint is not an absolute URL.')
  }
  const host = unbracket(url.hostname)
  const loopbackAllowed = policy.allowLoopback && isLoopbackAddress(host)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackAllowed)) {
    fail('push-endpoint-invalid', 'The endpoint must be an https:// URL.')
  }
  if (url.username || url.password) fail('push-endpoint-invalid', 'The endpoint must not carry credentials.')
  const addresses = isIP(host) ? [host] : await resolveEndpointHost(host, policy.resolve ?? resolveWithDns)
  for (const address of addresses) {
    if (isPublicAddress(address) || (policy.allowLoopback && isLoopbackAddress(address))) continue
    fail('push-endpoint-private', 'The endpoint host is a private, loopback or link-local address.')
  }
  return url
}

async function resolveEndpointHost(host: string, resolve: ResolveHost): Promise<string[]> {
  let addresses: string[]
  try {
    addresses = await resolve(host)
  } catch {
    fail('push-endpoint-invalid', `The endpoint host ${host} cannot be resolved.`)
  }
  if (addresses.length === 0) fail('push-endpoint-invalid', `The endpoint host ${host} cannot be resolved.`)
  return addresses
}

const BASE64URL = /^[A-Za-z0-9_\-+/]+={0,2}$/
/** Any valid key pair: computing a secret against a client key proves the key is a curve point. */
const probe = createECDH('prime256v1')
probe.generateKeys()

/**
 * Checks the browser's keys (RFC 8291 §2): p256dh is a 65-byte uncompressed P-256 point, auth 16
 * bytes, both base64url. Returns them in canonical unpadded base64url.
 */
export function checkSubscriptionKeys(keys: { p256dh: string; auth: string }): {
  p256dh: string
  auth: string
} {
  const p256dh = decode(keys.p256dh)
  if (p256dh?.length !== 65 || p256dh[0] !== 4 || !isCurvePoint(p256dh)) {
    fail('push-key-invalid', 'keys.p256dh must be a 65-byte uncompressed P-256 public key in base64url.', {
      errors: [{ field: '/keys/p256dh', message: 'must be a 65-byte P-256 point (base64url)' }],
    })
  }
  const auth = decode(keys.auth)
  if (auth?.length !== 16) {
    fail('push-key-invalid', 'keys.auth must be a 16-byte secret in base64url.', {
      errors: [{ field: '/keys/auth', message: 'must be 16 bytes (base64url)' }],
    })
  }
  return { p256dh: p256dh.toString('base64url'), auth: auth.toString('base64url') }
}

function decode(value: string): Buffer | null {
  return BASE64URL.test(value) ? Buffer.from(value, 'base64url') : null
}

function isCurvePoint(key: Buffer): boolean {
  try {
    probe.computeSecret(key)
    return true
  } catch {
    return false
  }
}
