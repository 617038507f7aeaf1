import ipaddr from 'ipaddr.js'
import { UAParser } from 'ua-parser-js'

/** Where a login came from, as the person sees it in their list of sessions. */
export interface LoginClient {
  userAgent?: string | undefined
  address?: string | undefined
}

const LABEL_MAX = 80

/**
 * "Chrome on Android", "Firefox on Linux", "Safari on iPhone": browser and system without versions
 * (enough to recognise one's own phone, no fingerprint kept). ua-parser-js does the parsing: user
 * agents are a moving target best left to a maintained library. Null when nothing is recognised.
 */
export function deviceLabel(userAgent: string | undefined): string | null {
  if (!userAgent) return null
  const { browser, os, device } = UAParser(userAgent.slice(0, 512))
  const browserName = browser.name?.replace(/^Mobile /, '')
  const system = device.model && /^(iPhone|iPad)$/.test(device.model) ? device.model : os.name
  const label = browserName && system ? `${browserName} on ${system}` : (browserName ?? system ?? null)
  return label ? label.slice(0, LABEL_MAX) : null
}

/**
 * The network an address belongs to, as its provider routes it: an IPv4 /24 or an IPv6 /48. A
 * person recognises "my home network" from it; it does not point at one household. No lookup of
 * where that network is: that would send every login to a third party.
 */
export function networkOf(address: string | undefined): string | null {
  if (!address || !ipaddr.isValid(address)) return null
  let parsed = ipaddr.parse(address)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  if (parsed.kind() === 'ipv4') {
    const [a, b, c] = (parsed as ipaddr.IPv4).octets
    return `${a}.${b}.${c}.0/24`
  }
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 3)
  const prefix = ipaddr.IPv6.parse(`${parts.map((p) => p.toString(16)).join(':')}::`)
  return `${prefix.toString()}/48`
}
