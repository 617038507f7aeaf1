import type { TestProject } from 'vitest/node'
import { ensureServerBuild } from '../../scripts/build-stamp.mjs'

/**
 * Vitest's global setup: makes dist/ current before any test file runs, because the tests that
 * start real processes run the compiled server (test/_util/backlot-command.ts), as production does.
 * The content hash (scripts/build-stamp.mjs) means a developer who edits src/ and runs one test file
 * gets their edit compiled (~25 CPU-seconds, only then); with current sources this costs one hash of
 * the sources, well under a second. Only the server is compiled: `npm test` builds the web app itself.
 * In watch mode the check runs again before every rerun, since an edit is what triggers one.
 */
export default function setup(project: TestProject): void {
  ensureCurrent()
  project.onTestsRerun(ensureCurrent)
}

function ensureCurrent(): void {
  const status = ensureServerBuild()
  if (status !== 0) throw new Error(`compiling the server for the tests failed (tsc exit ${status})`)
}
