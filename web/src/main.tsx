import { effect } from '@preact/signals'
import { render } from 'preact'
import { App } from './App.js'
import { browserLanguage, setLanguage } from './app/i18n.js'
import { loadMe, me } from './app/session.js'
import './styles.css'

// The person's language setting once known (and again after logging in or out), the browser's until
// then and for visitors. The first render waits for the browser language's catalog, so a Spanish
// browser never flashes English.
const first = setLanguage(browserLanguage())
void loadMe()
effect(() => {
  const account = me.value
  if (account !== undefined) void setLanguage(account?.language ?? browserLanguage())
})
void first.finally(() => render(<App />, document.getElementById('app')!))

// The service worker caches the app shell only (never /api): installable, and it opens offline.
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .catch((e: unknown) => console.warn('service worker', e))
  })
}
