import net from 'node:net'
import ipaddr from 'ipaddr.js'

/** How a dual-stack socket reports an IPv4 peer. */
const IPV4_MAPPED = '::ffff:'

/**
 * The key one client is counted under by the per-address caps. An IPv4 address is itself (also
 * when a dual-stack socket reports it as `::ffff:a.b.c.d`); an IPv6 address counts as its /64,
 * because a home line or a rented server routinely holds a whole /64 and can give every
 * connection a new address in it. Anything unparsable is its own key. Runs for every accepted
 * connection, so IPv4 is read by hand and only IPv6 is parsed by ipaddr.js.
 */
export function addressKey(address: string): string {
  if (ipv4Of(address) >= 0) {
    return address.startsWith(IPV4_MAPPED) ? address.slice(IPV4_MAPPED.length) : address
  }
  if (!net.isIPv6(address)) return address
  const groups = ipaddr.IPv6.parse(address)
    .parts.slice(0, 4)
    .map((part) => part.toString(16))
  return `${groups.join(':')}::/64`
}

/** Matches addresses against `address/prefix` ranges (BACKLOT_CONNECTION_LIMIT_EXEMPT). */
export interface AddressRanges {
  has(address: string): boolean
}

/**
 * Hand-written rather than node's BlockList: `BlockList.check` builds a SocketAddress per call
 * (about 6 µs measured), and this runs for every accepted connection. IPv4 ranges compare as
 * 32-bit numbers; IPv6 ones (rarer peers) go through ipaddr.js.
 */
export function addressRanges(ranges: readonly string[]): AddressRanges {
  const v4: { base: number; mask: number }[] = []
  const v6: [ipaddr.IPv6, number][] = []
  for (const range of ranges) {
    const [address, prefix] = range.split('/') as [string, string]
    const bits = Number(prefix)
    if (net.isIPv4(address)) {
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0
      v4.push({ base: (ipv4Number(address) & mask) >>> 0, mask })
    } else v6.push([ipaddr.IPv6.parse(address), bits])
  }
  return {
    has(address) {
      const n = ipv4Of(address)
      if (n >= 0) return v4.some(({ base, mask }) => (n & mask) >>> 0 === base)
      if (v6.length === 0 || !net.isIPv6(address)) return false
      const parsed = ipaddr.IPv6.parse(address)
      return v6.some((range) => parsed.match(range))
    },
  }
}

/** The dotted-quad `address` as a 32-bit number, or -1 when it is not one (IPv6, anything else). */
function ipv4Number(address: string): number {
  let value = 0
  let part = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < address.length; i++) {
    const code = address.charCodeAt(i)
    if (code >= 48 && code <= 57 && digits < 3) {
      part = part * 10 + code - 48
      digits++
    } else if (code === 46 && digits > 0 && dots < 3 && part <= 255) {
      value = value * 256 + part
      part = 0
      digits = 0
      dots++
    } else return -1
  }
  return dots === 3 && digits > 0 && part <= 255 ? value * 256 + part : -1
}

/** `address` as a 32-bit IPv4 number, also when written IPv4-mapped; -1 when it is not IPv4. */
function ipv4Of(address: string): number {
  return address.startsWith(IPV4_MAPPED) ? ipv4Number(address.slice(IPV4_MAPPED.length)) : ipv4Number(address)
}
