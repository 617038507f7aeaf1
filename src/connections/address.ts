import net from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * The key one client is counted under by the per-address caps. An IPv4 address is itself (also
 * when a dual-stack socket reports it as `::ffff:a.b.c.d`); an IPv6 address counts as its /64,
 * because a home line or a rented server routinely holds a whole /64 and can give every
 * connection a new address in it. Anything unparsable is its own key.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address
  const parsed = ipaddr.process(address)
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const groups = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16))
  return `${groups.join(':')}::/64`
}

/** Matches addresses against `address/prefix` ranges (CONNECTION_LIMIT_EXEMPT). */
export interface AddressRanges {
  has(address: string): boolean
}

export function addressRanges(ranges: readonly string[]): AddressRanges {
  const list = new net.BlockList()
  for (const range of ranges) {
    const [address, prefix] = range.split('/') as [string, string]
    list.addSubnet(address, Number(prefix), net.isIPv6(address) ? 'ipv6' : 'ipv4')
  }
  return {
    has(address) {
      if (ranges.length === 0 || !ipaddr.isValid(address)) return false
      const parsed = ipaddr.process(address)
      return list.check(parsed.toString(), parsed.kind())
    },
  }
}
