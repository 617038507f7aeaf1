import net from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * The key a client address is counted under: an IPv4 address as is (IPv4-mapped IPv6 included),
 * an IPv6 address by its /64, because one host or home usually holds a whole /64 and could
 * otherwise step through 2^64 addresses to escape a limit. This runs on every request: IPv4 is
 * told apart by its lack of a colon (the address comes from the socket or proxy-addr, so it is
 * well-formed), and IPv6 prefixes (ipaddr.js takes microseconds to parse) are memoised.
 */
export function addressKey(ip: string): string {
  const plain = unmapped(ip)
  if (!plain.includes(':')) return plain
  let prefix = prefixes.get(plain)
  if (prefix === undefined) {
    // Bounded: cleared when full, so a flood of distinct addresses cannot grow it.
    if (prefixes.size >= MAX_PREFIXES) prefixes.clear()
    prefix = prefix64(plain)
    prefixes.set(plain, prefix)
  }
  return prefix
}

const MAX_PREFIXES = 10_000
const prefixes = new Map<string, string>()

function prefix64(ipv6: string): string {
  if (!ipaddr.IPv6.isValid(ipv6)) return ipv6
  const parts = ipaddr.IPv6.parse(ipv6).parts.slice(0, 4)
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`
}

/** `::ffff:192.0.2.1` (how a dual-stack socket reports IPv4 clients) → `192.0.2.1`. */
function unmapped(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip
}

/** Whether an address falls in one of the CIDR ranges (config `rateLimits.exempt`). */
export function addressMatcher(ranges: readonly string[]): (ip: string) => boolean {
  if (ranges.length === 0) return () => false
  const list = new net.BlockList()
  for (const range of ranges) {
    const [address, bits] = range.split('/') as [string, string]
    list.addSubnet(address, Number(bits), net.isIPv4(address) ? 'ipv4' : 'ipv6')
  }
  return (ip) => {
    const plain = unmapped(ip)
    const type = plain.includes(':') ? 'ipv6' : 'ipv4'
    return net.isIP(plain) !== 0 && list.check(plain, type)
  }
}
