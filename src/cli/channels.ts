import type { OperatorChannelView } from '../channels/index.js'
import { table, withOperator } from './operator.js'
import { parseOrRefuse } from './refusal.js'

const USAGE = `backlot: usage: backlot channel list [--json]
       backlot channel suspend --slug S [--reason R] [--by H]
       backlot channel unsuspend|hide|unhide --slug S [--by H]`

/** `backlot channel list|suspend|unsuspend|hide|unhide` (issue 17 point 5). */
export async function runChannel(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const values = parseOrRefuse(rest, {
    json: { type: 'boolean' },
    slug: { type: 'string' },
    reason: { type: 'string' },
    by: { type: 'string' },
  })
  if (!values) return 1
  if (sub === 'list') {
    return withOperator(values.by, async (ctx, operatorId) => {
      const channels = await ctx.channels.operators.list(operatorId)
      console.log(values.json ? JSON.stringify(channels) : listTable(channels))
      return 0
    })
  }
  const change = sub && { suspend: true, unsuspend: true, hide: true, unhide: true }[sub]
  if (!change || !values.slug) {
    console.error(sub && change ? `backlot: channel ${sub} needs --slug` : USAGE)
    return 1
  }
  const slug = values.slug
  return withOperator(values.by, async (ctx, operatorId) => {
    const ops = ctx.channels.operators
    const view =
      sub === 'suspend' || sub === 'unsuspend'
        ? await ops.setSuspended(slug, operatorId, sub === 'suspend', values.reason)
        : await ops.setHidden(slug, operatorId, sub === 'hide')
    console.log(values.json ? JSON.stringify(view) : `${view.slug}: ${view.state}`)
    return 0
  })
}

function listTable(channels: OperatorChannelView[]): string {
  if (channels.length === 0) return 'no channels'
  return table([
    ['SLUG', 'TITLE', 'OWNER', 'MEMBERS', 'VISIBILITY', 'STATE'],
    ...channels.map((c) => [
      c.slug,
      c.title,
      c.owner ? `@${c.owner}` : '-',
      String(c.members),
      c.visibility,
      c.archived && c.state === 'active' ? 'archived' : c.state,
    ]),
  ])
}
