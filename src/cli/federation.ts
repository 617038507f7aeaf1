import type { AppContext } from '../context.js'
import type { FederationInstanceRow } from '../db/schema.js'
import { table, withOperator } from './operator.js'
import { parseWithPositionalsOrRefuse } from './refusal.js'

type InstanceBlockView = Awaited<ReturnType<AppContext['instanceBlocks']['list']>>[number]

const USAGE = `backlot: usage: backlot federation block DOMAIN [--reason R] [--by H] [--json]
       backlot federation unblock DOMAIN [--by H]
       backlot federation blocks [--json]
       backlot federation health [--json]`

/**
 * `backlot federation block|unblock|blocks|health` (issue 18 part 3): the operator's instance block
 * list — a blocked domain and its subdomains are refused at the inbox, never fetched, never
 * delivered to, and lose their followers — and the instances deliveries are failing to or gave up
 * on. Each block and unblock is logged with the operator (`--by`, else the oldest one).
 */
export async function runFederation(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const parsed = parseWithPositionalsOrRefuse(rest, {
    json: { type: 'boolean' },
    reason: { type: 'string' },
    by: { type: 'string' },
  })
  if (!parsed) return 1
  const { values, positionals } = parsed
  const needsDomain = sub === 'block' || sub === 'unblock'
  if (
    !sub ||
    !['block', 'unblock', 'blocks', 'health'].includes(sub) ||
    positionals.length !== (needsDomain ? 1 : 0)
  ) {
    console.error(USAGE)
    return 1
  }
  return withOperator(values.by, async (ctx, operatorId) => {
    const blocks = ctx.instanceBlocks
    if (sub === 'block') {
      const view = await blocks.block(positionals[0]!, { reason: values.reason, actorId: operatorId })
      console.log(values.json ? JSON.stringify(view) : `${view.domain}: blocked (and its subdomains)`)
    } else if (sub === 'unblock') {
      await blocks.unblock(positionals[0]!, { actorId: operatorId })
      console.log(`${positionals[0]!.trim().toLowerCase()}: unblocked`)
    } else if (sub === 'blocks') {
      const list = await blocks.list(operatorId)
      console.log(values.json ? JSON.stringify(list) : blocksTable(list))
    } else {
      const rows = await ctx.deliveryHealth.listUnhealthy()
      console.log(values.json ? JSON.stringify(rows) : healthTable(rows))
    }
    return 0
  })
}

function blocksTable(list: InstanceBlockView[]): string {
  if (list.length === 0) return 'no blocked instances'
  return table([
    ['DOMAIN', 'SINCE', 'BY', 'REASON'],
    ...list.map((b) => [
      b.domain,
      new Date(b.blockedAt).toISOString(),
      b.blockedBy ? `@${b.blockedBy}` : '-',
      b.reason,
    ]),
  ])
}

function healthTable(rows: FederationInstanceRow[]): string {
  if (rows.length === 0) return 'every instance answers'
  const at = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString())
  return table([
    ['HOST', 'STATE', 'FAILURES', 'LAST FAILURE', 'LAST STATUS', 'NEXT PROBE'],
    ...rows.map((r) => [
      r.host,
      r.state,
      String(r.consecutive_failures),
      at(r.last_failure_at),
      r.last_status === null ? (r.last_error ?? '-').slice(0, 40) : String(r.last_status),
      at(r.next_probe_at),
    ]),
  ])
}
