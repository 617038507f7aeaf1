import type { OperatorChannelView } from '../channels/index.js'
import { table, withOperator } from './operator.js'
import { parseWithPositionalsOrRefuse } from './refusal.js'

const USAGE = `backlot: usage: backlot channel list [--json]
       backlot channel suspend --slug S [--reason R] [--by H]
       backlot channel unsuspend|hide|unhide|feature|unfeature --slug S [--by H]
       (the slug may also come alone: backlot channel feature S)`

/**
 * `backlot channel list|suspend|unsuspend|hide|unhide` (issue 17 point 5) and `feature|unfeature`
 * (issue 19: featured channels list first in the public directory).
 */
export async function runChannel(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const parsed = parseWithPositionalsOrRefuse(rest, {
    json: { type: 'boolean' },
    slug: { type: 'string' },
    reason: { type: 'string' },
    by: { type: 'string' },
  })
  if (!parsed) return 1
  const { values, positionals } = parsed
  if (sub === 'list') {
    return withOperator(values.by, async (ctx, operatorId) => {
      const channels = await ctx.channels.operators.list(operatorId)
      console.log(values.json ? JSON.stringify(channels) : listTable(channels))
      return 0
    })
  }
  const change =
    sub && { suspend: true, unsuspend: true, hide: true, unhide: true, feature: true, unfeature: true }[sub]
  const slugArg = values.slug ?? (positionals.length === 1 ? positionals[0] : undefined)
  if (!change || !slugArg || (values.slug !== undefined && positionals.length > 0)) {
    console.error(sub && change ? `backlot: channel ${sub} needs --slug` : USAGE)
    return 1
  }
  const slug = slugArg
  return withOperator(values.by, async (ctx, operatorId) => {
    const ops = ctx.channels.operators
    const view =
      sub === 'suspend' || sub === 'unsuspend'
        ? await ops.setSuspended(slug, operatorId, sub === 'suspend', values.reason)
        : sub === 'feature' || sub === 'unfeature'
          ? await ops.setFeatured(slug, operatorId, sub === 'feature')
          : await ops.setHidden(slug, operatorId, sub === 'hide')
    const featured = view.featured ? ', featured' : ''
    console.log(values.json ? JSON.stringify(view) : `${view.slug}: ${view.state}${featured}`)
    return 0
  })
}

function listTable(channels: OperatorChannelView[]): string {
  if (channels.length === 0) return 'no channels'
  return table([
    ['SLUG', 'TITLE', 'OWNER', 'MEMBERS', 'VISIBILITY', 'STATE', 'FEATURED'],
    ...channels.map((c) => [
      c.slug,
      c.title,
      c.owner ? `@${c.owner}` : '-',
      String(c.members),
      c.visibility,
      c.archived && c.state === 'active' ? 'archived' : c.state,
      c.featured ? 'yes' : '-',
    ]),
  ])
}
