import { loadConfig } from '../config/config.js'
import { type AppContext, createContext } from '../context.js'
import { DomainError } from '../errors.js'

/**
 * Runs an operator command on its own context (like `backlot demo`): the same services as the
 * server, so a suspension publishes the same access change on the bus (every node of a Redis
 * cluster ends the channel's streams at once; a single server without Redis ends them at its next
 * heartbeat, delivery/channel-feeds.ts) and resolving a report leaves the same audit entries and
 * notices. Actions are recorded as done by `--by HANDLE`, else the oldest server operator.
 * A refusal is one `backlot: …` line and exit code 1.
 */
export async function withOperator(
  by: string | undefined,
  work: (ctx: AppContext, operatorId: string) => Promise<number>,
): Promise<number> {
  const config = loadConfig()
  // checkRestore false: a serving server owns the restore check and the clean-stop stamp.
  await using ctx = await createContext({ ...config, logLevel: 'silent' }, { checkRestore: false })
  let query = ctx.db.selectFrom('account').select(['id', 'handle']).where('is_admin', '=', 1)
  if (by !== undefined) query = query.where('handle', '=', by.replace(/^@/, '').toLowerCase())
  const operator = await query.orderBy('created_at').orderBy('id').executeTakeFirst()
  if (!operator) {
    console.error(
      by === undefined
        ? 'backlot: no server operator yet: create one with "backlot user create --handle H --admin"'
        : `backlot: @${by.replace(/^@/, '')} is not a server operator`,
    )
    return 1
  }
  try {
    return await work(ctx, operator.id)
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`backlot: ${error.detail}`)
      return 1
    }
    throw error
  }
}

/** Plain columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
