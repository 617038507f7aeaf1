import { signal } from '@preact/signals'
import { ConnectionManager, type ConnectionStatus, type SocketLike } from './connection.js'

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

// A laptop waking up or a phone regaining signal: reconnect now instead of waiting out the backoff.
window.addEventListener('online', () => stream.wake())
window.addEventListener('offline', () => stream.offline())
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') stream.wake()
})
