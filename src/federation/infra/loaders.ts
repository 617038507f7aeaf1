import {
  type AuthenticatedDocumentLoaderFactory,
  type DocumentLoader,
  type DocumentLoaderFactory,
  getAuthenticatedDocumentLoader,
  getDocumentLoader,
  type KvStore,
  kvCache,
} from '@fedify/fedify'
import { type FetchScope, withGuardedFetch } from './guarded-fetch.js'

/**
 * Fedify's document, context and authenticated loaders (actor, key and object fetches, JSON-LD
 * contexts), each Fedify's own loader run inside the guarded-fetch scope, so the request goes
 * through src/outbound and the scope's block check. Fedify's own private-address check
 * (`allowPrivateAddress: false`) is turned off inside: it resolves the name before fetching, which
 * a rebinding DNS answer gets past, while the guarded client checks the address it actually dials
 * (DESIGN rule 7). The common JSON-LD contexts are preloaded by Fedify and never fetched.
 * Plain documents are cached in the KvStore like Fedify's defaults; authenticated ones are not.
 */
export function createLoaderFactories(deps: { kv: KvStore; scope: FetchScope; userAgent: string }): {
  documentLoaderFactory: DocumentLoaderFactory
  contextLoaderFactory: DocumentLoaderFactory
  authenticatedDocumentLoaderFactory: AuthenticatedDocumentLoaderFactory
} {
  const scoped =
    (loader: DocumentLoader): DocumentLoader =>
    (url, options) =>
      withGuardedFetch(deps.scope, () => loader(url, options))
  const cached = (kind: 'object' | 'context'): DocumentLoaderFactory => {
    const loader = kvCache({
      loader: scoped(getDocumentLoader({ allowPrivateAddress: true, userAgent: deps.userAgent })),
      kv: deps.kv,
      prefix: ['_fedify', 'remoteDocument'],
      kind,
    })
    return () => loader
  }
  return {
    documentLoaderFactory: cached('object'),
    contextLoaderFactory: cached('context'),
    authenticatedDocumentLoaderFactory: (identity) =>
      scoped(
        getAuthenticatedDocumentLoader(identity, { allowPrivateAddress: true, userAgent: deps.userAgent }),
      ),
  }
}
