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
