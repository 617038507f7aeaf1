import { render } from 'preact'
import { App } from './App.js'
import { browserLanguage, setLanguage } from './app/i18n.js'
import { loadMe, me } from './app/session.js'
import './styles.css'

// The person's language setting once known, the browser's until then (and for visitors).
void setLanguage(browserLanguage())
void loadMe().then(() => {
  const chosen = me.value?.language
  if (chosen) void setLanguage(chosen)
})
render(<App />, document.getElementById('app')!)

// The service worker caches the app shell only (never /api): installable, and it opens offline.
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .catch((e: unknown) => console.warn('service worker', e))
  })
}
