import { signal } from '@preact/signals'

/**
 * A tiny History-API router: `route` holds the current path and query; links and `navigate()`
 * change it without a reload. The server answers every app path with index.html (src/web/routes.ts).
 */

export interface Location {
  pathname: string
  search: URLSearchParams
}

function current(): Location {
  return { pathname: window.location.pathname, search: new URLSearchParams(window.location.search) }
}

export const route = signal<Location>(current())

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  route.value = current()
  if (!options.replace) window.scrollTo(0, 0)
}

window.addEventListener('popstate', () => {
  route.value = current()
})

/** Matches `/app/c/:slug` style patterns; returns the decoded parameters or null. */
export function match(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/')
  const s = pathname.replace(/\/+$/, '').split('/')
  if (p.length !== s.length && !(pathname === '/' && pattern === '/')) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const part = p[i]!
    const seg = s[i] ?? ''
    if (part.startsWith(':')) {
      if (!seg) return null
      try {
        params[part.slice(1)] = decodeURIComponent(seg)
      } catch {
        return null
      }
    } else if (part !== seg) return null
  }
  return params
}

/** Click handler for in-app links: plain left clicks navigate in place; others behave as links do. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  if (a.target || a.origin !== window.location.origin) return
  e.preventDefault()
  navigate(a.pathname + a.search + a.hash) // the hash: a week on the timeline (#week-11)
}
