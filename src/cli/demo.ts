import { loadConfig } from '../config/config.js'
import { createContext } from '../context.js'
import { demoReport, seedDemo } from './demo-seed.js'

/** `backlot demo`: seeds the demo production channel (idempotent) and prints where to look. */
export async function runDemo(): Promise<number> {
  const config = loadConfig()
  await using ctx = await createContext(config)
  console.log(demoReport(await seedDemo(ctx)))
  return 0
}
