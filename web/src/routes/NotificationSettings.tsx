import { useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { relativeTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import {
  browserFacts,
  currentEndpoint,
  type DeviceState,
  deviceState,
  listDevices,
  type PushDevice,
  removeDevice,
  turnOn,
  type Unsupported,
  unsupportedReason,
} from '../app/push.js'
import { unblockHelp } from '../app/push-help.js'
import { me } from '../app/session.js'
import type { Channel, NotifyLevel, Page } from '../app/types.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

const WHY_UNSUPPORTED: Record<Unsupported, string> = {
  insecure: 'Notifications need a secure (https) connection to this server.',
  'no-push': 'This browser cannot receive push notifications. A current Chrome, Edge, Firefox or Safari can.',
  'ios-home-screen':
    'On iPhone and iPad, add Backlot to your Home Screen (Share → Add to Home Screen), open it from there, then turn notifications on.',
}

const PERMISSION_TEXT: Record<NotificationPermission, string> = {
  granted: 'allowed',
  default: 'not asked yet',
  denied: 'blocked',
}

const LEVEL_TEXT: Record<NotifyLevel, string> = {
  all: 'All posts',
  highlights: 'Highlights (pinned posts)',
  none: 'None',
}

/** Notifications on this device, the account's other devices, and each channel's level. */
export function NotificationSettings() {
  const account = me.value
  if (account === undefined)
    return (
      <main id="main" aria-busy="true">
        <p class="muted">Loading…</p>
      </main>
    )
  if (account === null)
    return (
      <main id="main">
        <h1>Notifications</h1>
        <p>
          <Link href={`/app/login?next=${encodeURIComponent('/app/settings/notifications')}`}>Log in</Link> to
          get notified of new posts.
        </p>
      </main>
    )
  return (
    <main id="main" class="stack">
      <h1>Notifications</h1>
      <p>
        <Link href="/app/notices">{t('reports.notices.title')}</Link>
      </p>
      <Devices />
      <ChannelLevels />
    </main>
  )
}

function Devices() {
  const [facts] = useState(browserFacts)
  const unsupported = unsupportedReason(facts)
  const [permission, setPermission] = useState<NotificationPermission>(() =>
    'Notification' in window ? Notification.permission : 'default',
  )
  const [devices, setDevices] = useState<PushDevice[] | null>(null)
  const [endpoint, setEndpoint] = useState<string | null>(null)

  const load = async () => {
    const [list, mine] = await Promise.all([listDevices(), unsupported ? null : currentEndpoint()])
    setDevices(list)
    setEndpoint(mine)
  }
  // Whatever an action did (or failed halfway through), show the permission and devices as they are now.
  const { error, setError, busy, run } = useAction({
    after: () => {
      if ('Notification' in window) setPermission(Notification.permission)
      return load()
    },
  })
  useEffect(() => {
    load().catch(setError)
  }, [])

  const state = deviceState({ unsupported, permission, endpoint, devices: devices ?? [] })
  return (
    <>
      <section class="card" aria-labelledby="this-device">
        <h2 id="this-device">This device</h2>
        <p data-push-state={devices ? state.kind : 'loading'}>
          {devices === null ? 'Checking…' : describe(state)}
        </p>
        {!unsupported && (
          <p class="small muted">
            Browser permission: <strong data-permission={permission}>{PERMISSION_TEXT[permission]}</strong>
          </p>
        )}
        {state.kind === 'blocked' && (
          <p class="notice">
            You (or the browser) blocked notifications for this site, so Backlot cannot ask again.{' '}
            {unblockHelp(facts.userAgent)}
          </p>
        )}
        {devices !== null && state.kind === 'off' && (
          <button type="button" class="primary" disabled={busy} onClick={() => run(turnOn)}>
            Turn on notifications on this device
          </button>
        )}
        {state.kind === 'on' && (
          <button type="button" disabled={busy} onClick={() => run(() => removeDevice(state.device))}>
            Turn off
          </button>
        )}
        <ErrorBox error={error} />
      </section>
      <DeviceList
        devices={devices}
        endpoint={endpoint}
        busy={busy}
        onRemove={(d) => run(() => removeDevice(d))}
      />
    </>
  )
}

function describe(state: DeviceState): string {
  switch (state.kind) {
    case 'unsupported':
      return WHY_UNSUPPORTED[state.reason]
    case 'blocked':
      return 'Notifications are blocked in this browser.'
    case 'off':
      return 'Notifications are off on this device.'
    case 'on':
      return 'Notifications are on: new posts from your channels arrive here, even when Backlot is closed.'
  }
}

function DeviceList(props: {
  devices: PushDevice[] | null
  endpoint: string | null
  busy: boolean
  onRemove: (d: PushDevice) => void
}) {
  const { devices } = props
  return (
    <section class="card" aria-labelledby="devices-title">
      <h2 id="devices-title">Your devices</h2>
      {devices === null ? (
        <p class="muted">Loading…</p>
      ) : devices.length === 0 ? (
        <p class="muted">No device gets notifications yet.</p>
      ) : (
        <ul style={{ padding: 0, listStyle: 'none', margin: 0 }}>
          {devices.map((d) => {
            const isThis = d.endpoint === props.endpoint
            return (
              <li key={d.id} class="row" data-device={d.id} style={{ padding: '6px 0' }}>
                <div class="spacer">
                  <strong>{d.label ?? 'Unnamed device'}</strong>
                  {isThis && (
                    <>
                      {' '}
                      <span class="badge">this device</span>
                    </>
                  )}
                  <div class="small muted" title={new Date(d.createdAt).toLocaleString()}>
                    added {relativeTime(d.createdAt)}
                  </div>
                </div>
                <button
                  type="button"
                  disabled={props.busy}
                  aria-label={`Remove ${d.label ?? 'device'}${isThis ? ' (this device)' : ''}`}
                  onClick={() => props.onRemove(d)}
                >
                  Remove
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

/** Each channel's level is changed on its page (the channel header's Notifications control). */
function ChannelLevels() {
  const [channels, setChannels] = useState<Channel[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    api.get<Page<Channel>>('/api/v1/channels?member=me&limit=50').then((p) => setChannels(p.items), setError)
  }, [])
  return (
    <section class="card" aria-labelledby="channels-title">
      <h2 id="channels-title">Per channel</h2>
      <p class="small muted">Choose all posts, highlights only or none, or mute, on each channel’s page.</p>
      <ErrorBox error={error} />
      {channels === null ? (
        !error && <p class="muted">Loading…</p>
      ) : channels.length === 0 ? (
        <p class="muted">You have not joined a channel yet.</p>
      ) : (
        <ul style={{ padding: 0, listStyle: 'none', margin: 0 }}>
          {channels.map((c) => (
            <li key={c.id} class="row" style={{ padding: '6px 0' }}>
              <div class="spacer">
                <strong>{c.title}</strong>
                <div class="small muted">
                  {c.membership?.muted ? 'Muted' : LEVEL_TEXT[c.membership?.notifyLevel ?? 'all']}
                </div>
              </div>
              <Link
                class="button"
                href={`/app/c/${encodeURIComponent(c.slug)}`}
                aria-label={`Change notifications for ${c.title}`}
              >
                Change
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
