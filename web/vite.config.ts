import { fileURLToPath } from 'node:url'
import preact from '@preact/preset-vite'
import { build, defineConfig, type Plugin } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * The public pages' island (web/src/island): a separate build after the app's, so it shares no
 * chunk with the fan app (whose bundle stays exactly as it was) and loads as one classic script
 * (`<script defer>`, no module graph, no Preact). It lands at dist/island/island.js; the server
 * reads it at start and serves it from /_pages/island.js?v=<hash> (src/pages/assets.ts).
 */
function islandBuild(): Plugin {
  return {
    name: 'backlot-island',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        build: {
          outDir: 'dist/island',
          emptyOutDir: true,
          target: 'es2022',
          sourcemap: false,
          copyPublicDir: false,
          lib: {
            entry: `${root}src/island/main.ts`,
            formats: ['iife'],
            name: 'backlotIsland',
            fileName: () => 'island.js',
          },
        },
      })
    },
  }
}

/**
 * The web app (fan view + creator studio) builds to web/dist, which the Backlot server serves at `/`
 * (src/web/routes.ts). The service worker is a second entry with a fixed name (`/sw.js`) so the
 * browser can find it; everything else gets content-hashed names and is cached for a year.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [preact({ prerender: { enabled: false } }), islandBuild()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: { index: `${root}index.html`, sw: `${root}src/sw.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
})
