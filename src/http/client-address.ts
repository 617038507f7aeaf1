import ipaddr from 'ipaddr.js'

/**
 * The key a client address is counted under: an IPv4 address as is (IPv4-mapped IPv6 included),
 * an IPv6 address by its /64, because one host or home usually holds a whole /64 and could
 * otherwise step through 2^64 addresses to escape a limit.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip
  const address = ipaddr.process(ip)
  if (address.kind() === 'ipv4') return address.toString()
  const prefix = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16))
  return `${prefix.join(':')}::/64`
}

/** Whether an address falls in one of the CIDR ranges (config `rateLimits.exempt`). */
export function addressMatcher(ranges: readonly string[]): (ip: string) => boolean {
  if (ranges.length === 0) return () => false
  const parsed = ranges.map((range) => ipaddr.parseCIDR(range))
  return (ip) => {
    if (!ipaddr.isValid(ip)) return false
    const address = ipaddr.process(ip)
    return parsed.some((range) => range[0].kind() === address.kind() && address.match(range))
  }
}
