import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { t } from '../app/i18n.js'
import { ErrorBox } from './ErrorBox.js'

/** A page loaded as its own chunk on first use (no preact/compat `lazy` needed). */
export function lazyPage<P extends object>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | null = null
  return function LazyPage(props: P) {
    const [Component, setComponent] = useState<FunctionComponent<P> | null>(() => loaded)
    const [error, setError] = useState<unknown>(null)
    useEffect(() => {
      if (loaded) return
      load().then(
        (c) => {
          loaded = c
          setComponent(() => c)
        },
        (e: unknown) => setError(new Error(t('app.pageLoadFailed', { reason: String(e) }))),
      )
    }, [])
    if (error)
      return (
        <main id="main">
          <ErrorBox error={error} />
        </main>
      )
    if (!Component)
      return (
        <main id="main" aria-busy="true">
          <p class="muted">{t('common.loading')}</p>
        </main>
      )
    return <Component {...props} />
  }
}
