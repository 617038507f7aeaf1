import { signal } from '@preact/signals'
import { ConnectionManager, type ConnectionStatus, type SocketLike } from './connection.js'
import { loadMe } from './session.js'

/** The app's one live connection, and its status for the "reconnecting" badge. */
export const connectionStatus = signal<ConnectionStatus>('idle')

const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'

export const stream = new ConnectionManager({
  url: `${scheme}//${window.location.host}/api/v1/stream`,
  createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
})
stream.onStatus((s) => {
  connectionStatus.value = s
})

// The session this socket was opened with ended (logged out in another tab, expired): close 4401.
// Do what a 401 from the API does — ask who we are now (loadMe: logged out, or logged in again
// elsewhere) so the app shows it — then follow the same channels with the cookie the browser has
// now (none after a logout: public channels stay live, private ones are refused).
stream.onUnauthenticated(() => {
  void loadMe().then(() => stream.restart())
})

// A laptop waking up or a phone regaining signal: reconnect now instead of waiting out the backoff.
window.addEventListener('online', () => stream.wake())
window.addEventListener('offline', () => stream.offline())
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') stream.wake()
})
