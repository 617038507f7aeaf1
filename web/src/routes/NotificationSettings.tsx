import { useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { fullTime, relativeTime } from '../app/format.js'
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
import type { Channel, Page } from '../app/types.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

// Catalog keys (notifications.*) by state: the text is looked up when shown, in the current language.
const WHY_UNSUPPORTED: Record<Unsupported, string> = {
  insecure: 'unsupported.insecure',
  'no-push': 'unsupported.noPush',
  'ios-home-screen': 'unsupported.iosHomeScreen',
}

/** Notifications on this device, the account's other devices, and each channel's level. */
export function NotificationSettings() {
  const account = me.value
  if (account === undefined)
    return (
      <main id="main" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </main>
    )
  if (account === null)
    return (
      <main id="main">
        <h1>{t('app.notifications')}</h1>
        <p>
          <Link href={`/app/login?next=${encodeURIComponent('/app/settings/notifications')}`}>
            {t('common.logIn')}
          </Link>{' '}
          {t('notifications.logInTo')}
        </p>
      </main>
    )
  return (
    <main id="main" class="stack">
      <h1>{t('app.notifications')}</h1>
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
        <h2 id="this-device">{t('notifications.thisDevice')}</h2>
        <p data-push-state={devices ? state.kind : 'loading'}>
          {devices === null ? t('notifications.checking') : describe(state)}
        </p>
        {!unsupported && (
          <p class="small muted">
            {t('notifications.permission')}{' '}
            <strong data-permission={permission}>{t(`notifications.permissions.${permission}`)}</strong>
          </p>
        )}
        {state.kind === 'blocked' && (
          <p class="notice">
            {t('notifications.blockedHelp')} {unblockHelp(facts.userAgent)}
          </p>
        )}
        {devices !== null && state.kind === 'off' && (
          <button type="button" class="primary" disabled={busy} onClick={() => run(turnOn)}>
            {t('notifications.turnOn')}
          </button>
        )}
        {state.kind === 'on' && (
          <button type="button" disabled={busy} onClick={() => run(() => removeDevice(state.device))}>
            {t('notifications.turnOff')}
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
      return t(`notifications.${WHY_UNSUPPORTED[state.reason]}`)
    case 'blocked':
      return t('notifications.state.blocked')
    case 'off':
      return t('notifications.state.off')
    case 'on':
      return t('notifications.state.on')
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
      <h2 id="devices-title">{t('notifications.devices')}</h2>
      {devices === null ? (
        <p class="muted">{t('common.loading')}</p>
      ) : devices.length === 0 ? (
        <p class="muted">{t('notifications.noDevices')}</p>
      ) : (
        <ul style={{ padding: 0, listStyle: 'none', margin: 0 }}>
          {devices.map((d) => {
            const isThis = d.endpoint === props.endpoint
            return (
              <li key={d.id} class="row" data-device={d.id} style={{ padding: '6px 0' }}>
                <div class="spacer">
                  <strong>{d.label ?? t('notifications.unnamed')}</strong>
                  {isThis && (
                    <>
                      {' '}
                      <span class="badge">{t('notifications.thisDeviceBadge')}</span>
                    </>
                  )}
                  <div class="small muted" title={fullTime(d.createdAt)}>
                    {t('notifications.added', { when: relativeTime(d.createdAt) })}
                  </div>
                </div>
                <button
                  type="button"
                  disabled={props.busy}
                  aria-label={t(isThis ? 'notifications.removeThis' : 'notifications.removeOne', {
                    device: d.label ?? t('notifications.device'),
                  })}
                  onClick={() => props.onRemove(d)}
                >
                  {t('common.remove')}
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
      <h2 id="channels-title">{t('notifications.perChannel')}</h2>
      <p class="small muted">{t('notifications.perChannelHelp')}</p>
      <ErrorBox error={error} />
      {channels === null ? (
        !error && <p class="muted">{t('common.loading')}</p>
      ) : channels.length === 0 ? (
        <p class="muted">{t('notifications.noChannels')}</p>
      ) : (
        <ul style={{ padding: 0, listStyle: 'none', margin: 0 }}>
          {channels.map((c) => (
            <li key={c.id} class="row" style={{ padding: '6px 0' }}>
              <div class="spacer">
                <strong>{c.title}</strong>
                <div class="small muted">
                  {c.membership?.muted
                    ? t('channel.muted')
                    : t(`notifications.level.${c.membership?.notifyLevel ?? 'all'}`)}
                </div>
              </div>
              <Link
                class="button"
                href={`/app/c/${encodeURIComponent(c.slug)}`}
                aria-label={t('notifications.changeFor', { title: c.title })}
              >
                {t('notifications.change')}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
