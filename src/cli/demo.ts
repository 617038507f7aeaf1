import { parseArgs } from 'node:util'
import { type Config, loadConfig } from '../config/config.js'
import { createContext } from '../context.js'
import { type DemoResult, demoReport, seedDemo } from './demo-seed.js'

/**
 * Seeds the demo channel on its own context. Quiet unless `verbose`: seeding runs migrations and
 * uploads and would print a dozen JSON log lines that say nothing to someone trying Backlot out
 * (issue 22); errors still stop it with one line (main.ts).
 */
export async function seedDemoQuietly(config: Config, verbose: boolean): Promise<DemoResult> {
  await using ctx = await createContext(verbose ? config : { ...config, logLevel: 'silent' })
  return await seedDemo(ctx)
}

/** `backlot demo [--verbose]`: seeds the demo production channel (idempotent) and prints where to look. */
export async function runDemo(args: string[] = []): Promise<number> {
  const { values } = parseArgs({ args, options: { verbose: { type: 'boolean' } }, strict: true })
  const config = loadConfig()
  const result = await seedDemoQuietly(config, values.verbose ?? false)
  // The server that will serve these pages is the configured one (BACKLOT_PUBLIC_URL, or
  // BACKLOT_HOST:BACKLOT_PORT): `serve --demo` prints its own summary with the address it got.
  console.log(demoReport(result, config.publicUrl.href))
  return 0
}
