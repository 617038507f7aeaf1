import { render } from 'preact'
import { App } from './App.js'
import { loadMe } from './app/session.js'
import './styles.css'

void loadMe()
render(<App />, document.getElementById('app')!)

// The service worker caches the app shell only (never /api): installable, and it opens offline.
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .catch((e: unknown) => console.warn('service worker', e))
  })
}
