#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, which `npm start` runs first).
import('../dist/main.js').catch((error) => {
  console.error(`backlot: cannot start: ${error.message}. Run "npm run build" first.`)
  process.exitCode = 1
})
