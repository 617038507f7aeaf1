import { type ParseArgsConfig, parseArgs } from 'node:util'
import { BackupRefusal } from '../backup/refusal.js'

/** Runs a backup or restore step; a refusal becomes one `backlot: …` line and exit code 1. */
export async function reportRefusal(work: () => Promise<number>): Promise<number> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof BackupRefusal)) throw error
    console.error(`backlot: ${error.message}`)
    return 1
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * A command's flags, parsed strictly (no positionals). An unknown or malformed flag is refused with
 * one `backlot: …` line on stderr and `undefined` back: the caller exits 1.
 */
export function parseOrRefuse<const O extends Options>(args: string[], options: O) {
  return refuseMalformed(() => parseArgs({ args, options, strict: true }).values)
}

/** As parseOrRefuse, for a command that also takes bare arguments (`backlot channel feature SLUG`). */
export function parseWithPositionalsOrRefuse<const O extends Options>(args: string[], options: O) {
  return refuseMalformed(() => {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true })
    return { values, positionals }
  })
}

function refuseMalformed<T>(parse: () => T): T | undefined {
  try {
    return parse()
  } catch (error) {
    console.error(`backlot: ${(error as Error).message}`)
    return undefined
  }
}
