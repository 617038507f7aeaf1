/**
 * Node 20 compatibility for Fedify 2.3.6, which declares Node >= 22 (test/node-engines.test.ts).
 * Its `importJwk` reads the global `navigator` (Node 21+) for every Ed25519 key — the channel keys
 * Backlot stores and the remote keys Fedify caches — and on Node 20 throws
 * "ReferenceError: navigator is not defined" (at importJwk, @fedify/fedify/dist/http-*.js).
 * Node 21+ defines `navigator` with this userAgent; only `userAgent` is read. Imported for its effect
 * before Fedify is used; a no-op on Node 22.
 */
const global = globalThis as { navigator?: { userAgent: string } }
global.navigator ??= { userAgent: `Node.js/${process.versions.node.split('.')[0]}` }

export {}
