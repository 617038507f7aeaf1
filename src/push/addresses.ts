import { BlockList, isIP } from 'node:net'

/**
 * Which IP addresses an outbound request may connect to (DESIGN rule 7): only public unicast ones.
 * Written for push but area-neutral, so the one outbound client can move to a shared module when
 * federation and link previews arrive.
 */
const nonPublic = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6')
}

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

/** Strips the brackets URL.hostname keeps around an IPv6 literal. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/**
 * Public unicast address? IPv4-mapped IPv6 (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses
 * are judged by the IPv4 address they carry.
 */
export function isPublicAddress(address: string): boolean {
  const ip = unbracket(address)
  const family = isIP(ip)
  if (family === 4) return !nonPublic.check(ip, 'ipv4')
  if (family !== 6) return false
  const embedded = embeddedIpv4(ip)
  if (embedded !== null) return isPublicAddress(embedded)
  return !nonPublic.check(ip, 'ipv6')
}

export function isLoopbackAddress(address: string): boolean {
  const ip = unbracket(address)
  const family = isIP(ip)
  if (family === 0) return false
  return loopback.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, else null. */
function embeddedIpv4(ip: string): string | null {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip)
  if (!match) return null
  if (match[1]) return match[1]
  const high = Number.parseInt(match[2]!, 16)
  const low = Number.parseInt(match[3]!, 16)
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}
