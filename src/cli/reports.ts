import type { CaseViewT } from '../reports/index.js'
import { table, withOperator } from './operator.js'
import { parseOrRefuse } from './refusal.js'

const USAGE =
  'backlot: usage: backlot reports [--json] [--state open|resolved] [--resolve ID --action dismiss|hide|suspend [--reason R]] [--by H]'

/**
 * `backlot reports`: the operators' queue of reported channels (issue 17 point 5), or with
 * `--resolve ID --action A` resolves one case as an operator would in the API.
 */
export async function runReports(args: string[]): Promise<number> {
  const values = parseOrRefuse(args, {
    json: { type: 'boolean' },
    state: { type: 'string' },
    resolve: { type: 'string' },
    action: { type: 'string' },
    reason: { type: 'string' },
    by: { type: 'string' },
  })
  if (!values) return 1
  const { state, action } = values
  if ((state && state !== 'open' && state !== 'resolved') || !!values.resolve !== !!action) {
    console.error(USAGE)
    return 1
  }
  if (action && action !== 'dismiss' && action !== 'hide' && action !== 'suspend') {
    console.error(`backlot: --action must be dismiss, hide or suspend, not "${action}"`)
    return 1
  }
  return withOperator(values.by, async (ctx, operatorId) => {
    if (values.resolve && action) {
      const done = await ctx.reports.operatorResolve(operatorId, values.resolve, {
        action: action as 'dismiss' | 'hide' | 'suspend',
        ...(values.reason !== undefined ? { reason: values.reason } : {}),
      })
      console.log(
        values.json ? JSON.stringify(done) : `${done.id}: ${done.resolution} (${done.channel.slug})`,
      )
      return 0
    }
    const items: CaseViewT[] = []
    let cursor: string | undefined
    do {
      const page = await ctx.reports.operatorQueue(operatorId, {
        state: (state as 'open' | 'resolved' | undefined) ?? 'open',
        limit: 100,
        ...(cursor ? { cursor } : {}),
      })
      items.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    console.log(values.json ? JSON.stringify(items) : casesTable(items))
    return 0
  })
}

function casesTable(items: CaseViewT[]): string {
  if (items.length === 0) return 'no reported channels'
  return table([
    ['ID', 'CHANNEL', 'REPORTS', 'REASONS', 'STATE', 'LAST REPORT'],
    ...items.map((c) => [
      c.id,
      c.channel.slug,
      String(c.reportCount),
      Object.entries(c.reasons)
        .map(([reason, n]) => `${reason}:${n}`)
        .join(','),
      c.resolution ?? c.state,
      c.updatedAt,
    ]),
  ])
}
