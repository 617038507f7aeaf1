import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    // Compiles dist/ when the sources changed: spawned processes run the built server (test/_util/backlot-command.ts).
    globalSetup: ['test/_util/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits 1 s by default; on two loaded cores a browser or a second process can take
    // longer to show what a test waits for (seen: a service worker's notification after > 1 s).
    // A poll returns as soon as its condition holds, so this only changes how long a failure waits.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Two cores: more workers only add contention; each file gets its own database or schema.
    maxWorkers: 2,
    minWorkers: 1,
  },
})
