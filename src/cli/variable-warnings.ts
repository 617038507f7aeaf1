import type { Logger } from 'pino'
import { deprecatedVariables, unknownBacklotVariables } from '../config/config.js'

/**
 * The start-up warnings about the environment, once per start (by the single server or the
 * `--workers` primary, not again by each worker): old unprefixed names still in use, and
 * `BACKLOT_*` names Backlot does not know (likely typos).
 */
export function warnAboutVariables(log: Logger): void {
  for (const { name, replacement, isIgnored } of deprecatedVariables()) {
    log.warn(
      { variable: name, replacement },
      isIgnored
        ? `${name} is deprecated and ignored: ${replacement} is set too and wins; remove ${name}`
        : `${name} is deprecated: rename it ${replacement} (the old name will stop working in a later release)`,
    )
  }
  for (const name of unknownBacklotVariables())
    log.warn({ variable: name }, 'unknown BACKLOT_ variable ignored (typo?)')
}
