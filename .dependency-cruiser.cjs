/**
 * The layers of src/ (docs/architecture.md), enforced by `npm run check` with dependency-cruiser.
 *
 * Every unit below has a rank: a module may import units of its own rank or lower, never higher.
 * Route files (`routes.ts`, `*-routes.ts`) are surface code living beside their area: they may
 * import any area's public face. A domain area is imported only through its public face,
 * `src/<area>/index.ts`. The composition root (context.ts, server.ts, main.ts, routes.ts) wires
 * everything; others may import its types only.
 */

// Lowest first. A unit is a folder of src/ or a single file at its root.
const kernel = [
  'errors.ts',
  'util',
  'watermark',
  'i18n',
  'config',
  'logger.ts',
  'metrics.ts',
  'outbound',
  'media-store',
  'db',
  'ipc',
  'redis',
  'kv',
  'bus',
  'queue',
  'event-log',
  'backup',
]
const domain = [
  'accounts',
  'media',
  'channels',
  'posts',
  'interactions',
  // Link previews (issue 18): a post's first link as a card, through the post hooks.
  'link-previews',
  'reads',
  'production',
  // Full-text search (issue 19) indexes posts with their albums and production tags: above them.
  'search',
  'push',
  'reports',
  'scheduler',
  'exports',
  // Reach counters: above posts (their delete hook) and channels (the report's role check).
  'reach',
  // ActivityPub (issue 18): channels as actors; reads posts through the read pipeline, polls' counts;
  // its infra/ holds Fedify's stores, queues and loaders over Backlot's seams, and the block list.
  'federation',
  // Account erasure reaches into every area that holds a person's data: above them all.
  'erasure',
]
const surfaces = ['http', 'delivery', 'web', 'ops', 'pages', 'syndication']
// The CLI starts the server (serve) and builds a context (demo): it sits on the composition root.
const root = ['context.ts', 'routes.ts', 'server.ts', 'cli', 'main.ts']

const units = [...kernel, ...domain, ...surfaces, ...root]
const anyOf = (list) => {
  const folders = list.filter((u) => !u.endsWith('.ts'))
  const files = list.filter((u) => u.endsWith('.ts')).map((u) => u.slice(0, -3))
  return [
    folders.length ? `^src/(${folders.join('|')})/` : null,
    files.length ? `^src/(${files.join('|')})\\.ts$` : null,
  ]
    .filter(Boolean)
    .join('|')
}
const path = (unit) => anyOf([unit])
const routeFiles = '^src/[^/]+/[^/]*routes\\.ts$'

// Types count as imports: a type from a higher layer is a dependency on it all the same. The one
// exception is the composition root's `AppContext` type, which route files take their services from.
const layerRules = units.slice(0, -1).map((unit, i) => ({
  name: `layer-${unit.replace('.ts', '')}`,
  comment: `${unit} may import only units ranked at or below it (docs/architecture.md)`,
  severity: 'error',
  from: { path: path(unit), pathNot: routeFiles },
  to: {
    path: anyOf(units.slice(i + 1)),
    pathNot: surfaces.includes(unit) ? '^src/context\\.ts$' : undefined,
  },
}))

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'public-face-only',
      comment:
        'another area is imported only through src/<area>/index.ts (route files are mounted by routes.ts)',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: `^src/(${domain.join('|')})/`,
        pathNot: ['^src/$1/', `^src/(${domain.join('|')})/index\\.ts$`, routeFiles],
      },
    },
    {
      name: 'context-types-only',
      comment: 'outside the composition root, context.ts is imported for its types only',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(root) },
      to: { path: '^src/context\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-routes-from-domain',
      comment: 'route files are surface code: nothing below the surfaces imports them',
      severity: 'error',
      from: { path: anyOf([...kernel, ...domain]), pathNot: routeFiles },
      to: { path: routeFiles },
    },
    {
      name: 'no-cycle-between-areas',
      comment:
        'no import cycle leaves its folder and comes back (cycles inside one file set are a smell, not a layer break)',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, via: { pathNot: '^src/$1/' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|\\.contract\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
}
