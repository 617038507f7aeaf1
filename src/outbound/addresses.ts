import { BlockList, isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * Which IP addresses an outbound request may connect to (DESIGN rule 7): only public unicast ones.
 * Used by the one outbound client (client.ts) and by push's own transport, both through the
 * connect-time guard (dial-guard.ts).
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
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): any IPv4 address may sit anywhere in it
  ['100::', 64], // discard
  ['2001:2::', 48], // benchmarking
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
 * Public unicast address? An IPv6 address that carries an IPv4 address — IPv4-mapped, IPv4-compatible,
 * IPv4-translated, 6to4, NAT64 or Teredo — is public only if every IPv4 address it carries is: each
 * is a way to reach that IPv4 host, so `[::127.0.0.1]` and `[2002:7f00:1::]` are loopback (issue
 * 14 item 10).
 */
export function isPublicAddress(address: string): boolean {
  const ip = unbracket(address)
  const family = isIP(ip)
  if (family === 4) return !nonPublic.check(ip, 'ipv4')
  // A zone index (fe80::1%eth0) only qualifies link-local addresses, which are refused anyway.
  if (family !== 6 || ip.includes('%') || nonPublic.check(ip, 'ipv6')) return false
  return embeddedIpv4Addresses(ip).every((embedded) => !nonPublic.check(embedded, 'ipv4'))
}

export function isLoopbackAddress(address: string): boolean {
  const ip = unbracket(address)
  const family = isIP(ip)
  if (family === 0) return false
  return loopback.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Where IPv6 address formats keep an IPv4 address: the range, and the byte offsets of the IPv4
 * addresses inside it (Teredo's client address is stored with every bit flipped).
 */
const ipv4Carriers: { range: [ipaddr.IPv6, number]; at: { offset: number; isInverted?: boolean }[] }[] = [
  { range: ipaddr.IPv6.parseCIDR('::/96'), at: [{ offset: 12 }] }, // IPv4-compatible (RFC 4291, deprecated)
  { range: ipaddr.IPv6.parseCIDR('::ffff:0:0/96'), at: [{ offset: 12 }] }, // IPv4-mapped (RFC 4291)
  { range: ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96'), at: [{ offset: 12 }] }, // IPv4-translated (RFC 6145)
  { range: ipaddr.IPv6.parseCIDR('64:ff9b::/96'), at: [{ offset: 12 }] }, // NAT64 (RFC 6052)
  { range: ipaddr.IPv6.parseCIDR('2002::/16'), at: [{ offset: 2 }] }, // 6to4 (RFC 3056)
  // Teredo (RFC 4380): the server's address, then the client's, inverted.
  { range: ipaddr.IPv6.parseCIDR('2001::/32'), at: [{ offset: 4 }, { offset: 12, isInverted: true }] },
]

/** The IPv4 addresses an IPv6 address carries (none for a plain one). */
export function embeddedIpv4Addresses(ipv6: string): string[] {
  const address = ipaddr.IPv6.parse(ipv6)
  const bytes = address.toByteArray()
  const carrier = ipv4Carriers.find(({ range }) => address.match(range))
  return (carrier?.at ?? []).map(({ offset, isInverted }) =>
    bytes
      .slice(offset, offset + 4)
      .map((byte) => (isInverted ? byte ^ 0xff : byte))
      .join('.'),
  )
}
