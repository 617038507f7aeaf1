import { loadConfig } from '../config/config.js'
import { createContext } from '../context.js'

const USAGE = 'backlot: usage: backlot search reindex'

/**
 * `backlot search reindex` (issue 19): indexes every published post that has no search document —
 * the server does this once by itself at its first start with search; the command is there for
 * posts written to the database by other means (a restore of an older backup, manual repairs).
 * Posts already indexed are left alone; safe while the server runs.
 */
export async function runSearch(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'reindex') {
    console.error(USAGE)
    return 1
  }
  const config = loadConfig()
  // checkRestore false: a serving server owns the restore check and the clean-stop stamp.
  await using ctx = await createContext({ ...config, logLevel: 'silent' }, { checkRestore: false })
  // Building the context already ran the first start's backfill if this database never had one.
  const indexed = await ctx.search.indexMissing()
  const total = await ctx.db
    .selectFrom('search_post')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  console.log(`indexed ${indexed} post${indexed === 1 ? '' : 's'}; ${Number(total.n)} in the search index`)
  return 0
}
