import { useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import {
  browserLanguage,
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  locale,
  setLanguage,
  t,
} from '../app/i18n.js'
import { me } from '../app/session.js'
import type { Account } from '../app/types.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { DeleteAccount } from './DeleteAccount.js'
import { ExportData } from './ExportData.js'

/** One of the person's sessions, as GET /api/v1/sessions lists it. */
interface Session {
  id: string
  device: string | null
  network: string | null
  createdAt: string
  lastSeenAt: string
  current: boolean
}

/** The person's own account: language, where they are logged in, their password, deleting it. */
export function AccountSettings() {
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
        <h1>{t('account.title')}</h1>
        <p>
          <Link href={`/app/login?next=${encodeURIComponent('/app/settings/account')}`}>
            {t('common.logIn')}
          </Link>
        </p>
      </main>
    )
  return (
    <main id="main" class="stack">
      <h1>{t('account.title')}</h1>
      <LanguagePicker account={account} />
      <Sessions />
      <Tokens />
      <PasswordForm />
      <ExportData />
      <DeleteAccount />
    </main>
  )
}

function LanguagePicker({ account }: { account: Account }) {
  const { error, busy, run } = useAction()
  const choose = (value: string) =>
    run(async () => {
      const chosen: Language | null = isLanguage(value) ? value : null
      me.value = await api.patch<Account>('/api/v1/me', { language: chosen })
      await setLanguage(chosen ?? browserLanguage())
    })
  return (
    <section class="card" aria-labelledby="language-title">
      <h2 id="language-title">{t('account.language.title')}</h2>
      <label for="language">{t('account.language.label')}</label>
      <select
        id="language"
        value={account.language ?? ''}
        disabled={busy}
        onChange={(e) => choose((e.target as HTMLSelectElement).value)}
      >
        <option value="">{t('account.language.browser')}</option>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
      <p class="small muted">{t('account.language.help')}</p>
      <ErrorBox error={error} />
    </section>
  )
}

function Sessions() {
  const [sessions, setSessions] = useState<Session[] | null>(null)
  const load = async () => setSessions((await api.get<{ items: Session[] }>('/api/v1/sessions')).items)
  const { error, setError, busy, run } = useAction({ after: load })
  useEffect(() => {
    load().catch(setError)
  }, [])
  const others = sessions?.filter((s) => !s.current) ?? []
  const when = (iso: string) =>
    new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('account.sessions.title')}</h2>
      {sessions === null ? (
        <p class="muted">{t('common.loading')}</p>
      ) : (
        <ul class="sessions" data-sessions>
          {sessions.map((s) => {
            const device = s.device ?? t('account.sessions.unknownDevice')
            return (
              <li key={s.id} class="row" data-session={s.id}>
                <div>
                  <strong>{device}</strong>
                  {s.current && <span class="badge">{t('account.sessions.thisDevice')}</span>}
                  <div class="small muted">
                    {t('account.sessions.lastActive', { when: when(s.lastSeenAt) })} ·{' '}
                    {t('account.sessions.since', { when: when(s.createdAt) })}
                    {s.network && <> · {t('account.sessions.network', { network: s.network })}</>}
                  </div>
                </div>
                {!s.current && (
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={t('account.sessions.endOne', { device })}
                    onClick={() => run(() => api.delete(`/api/v1/sessions/${encodeURIComponent(s.id)}`))}
                  >
                    {t('account.sessions.end')}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {others.length > 0 && (
        <button
          type="button"
          disabled={busy}
          onClick={() => run(() => api.delete('/api/v1/sessions/others'))}
        >
          {t('account.sessions.endOthers', { count: others.length })}
        </button>
      )}
      <ErrorBox error={error} />
    </section>
  )
}

function PasswordForm() {
  const [done, setDone] = useState(false)
  const { error, busy, run } = useAction()
  const submit = (event: Event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const data = new FormData(form)
    setDone(false)
    void run(async () => {
      await api.put('/api/v1/me/password', {
        currentPassword: String(data.get('currentPassword') ?? ''),
        newPassword: String(data.get('newPassword') ?? ''),
      })
      form.reset()
      setDone(true)
    })
  }
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('account.password.title')}</h2>
      <form class="stack" onSubmit={submit}>
        <label for="current-password">{t('account.password.current')}</label>
        <input
          id="current-password"
          name="currentPassword"
          type="password"
          autocomplete="current-password"
          required
        />
        <label for="new-password">{t('account.password.new')}</label>
        <input
          id="new-password"
          name="newPassword"
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
          aria-describedby="new-password-help"
        />
        <p id="new-password-help" class="small muted">
          {t('account.password.help')}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {t('account.password.submit')}
        </button>
      </form>
      {done && (
        <p role="status" class="notice">
          {t('account.password.changed')}
        </p>
      )}
      <ErrorBox error={error} />
    </section>
  )
}

interface ApiToken {
  id: string
  name: string
  scopes: string[]
  createdAt: string
  lastUsedAt: string | null
}

const SCOPES = ['read', 'post', 'channel:admin'] as const

/** API tokens, for `backlot post` and scripts: make one (shown once), see when each was used, revoke. */
function Tokens() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null)
  const [made, setMade] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>(['read', 'post'])
  const load = async () => setTokens((await api.get<{ tokens: ApiToken[] }>('/api/v1/tokens')).tokens)
  const { error, setError, busy, run } = useAction({ after: load })
  useEffect(() => {
    load().catch(setError)
  }, [])
  const when = (iso: string) =>
    new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
  const create = (event: Event) => {
    event.preventDefault()
    setMade(null)
    void run(async () => {
      const token = await api.post<ApiToken & { token: string }>('/api/v1/tokens', {
        name: name.trim(),
        scopes,
      })
      setMade(token.token)
      setName('')
    })
  }
  return (
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('account.tokens.title')}</h2>
      <p class="small muted">{t('account.tokens.help')}</p>
      {tokens === null ? (
        <p class="muted">{t('common.loading')}</p>
      ) : tokens.length === 0 ? (
        <p class="muted">{t('account.tokens.none')}</p>
      ) : (
        <ul class="sessions" data-tokens>
          {tokens.map((tok) => (
            <li key={tok.id} class="row" data-token={tok.id}>
              <div>
                <strong>{tok.name}</strong> <span class="small muted">({tok.scopes.join(', ')})</span>
                <div class="small muted">
                  {tok.lastUsedAt
                    ? t('account.tokens.lastUsed', { when: when(tok.lastUsedAt) })
                    : t('account.tokens.neverUsed')}
                </div>
              </div>
              <button
                type="button"
                disabled={busy}
                aria-label={t('account.tokens.revokeOne', { name: tok.name })}
                onClick={() => run(() => api.delete(`/api/v1/tokens/${encodeURIComponent(tok.id)}`))}
              >
                {t('account.tokens.revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="stack" onSubmit={create}>
        <label for="token-name">{t('account.tokens.name')}</label>
        <input
          id="token-name"
          type="text"
          required
          maxLength={64}
          value={name}
          placeholder={t('account.tokens.namePlaceholder')}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <fieldset>
          <legend>{t('account.tokens.scopes')}</legend>
          {SCOPES.map((scope) => (
            <label class="inline" key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((now) =>
                    e.currentTarget.checked ? [...now, scope] : now.filter((s) => s !== scope),
                  )
                }
              />{' '}
              {t(`account.tokens.scope.${scope.replace(':', '-')}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={busy || scopes.length === 0 || name.trim() === ''}>
          {t('account.tokens.create')}
        </button>
      </form>
      {made && (
        <div class="notice" role="status">
          <p>{t('account.tokens.made')}</p>
          <input
            type="text"
            readOnly
            value={made}
            aria-label={t('account.tokens.made')}
            data-new-token
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
      <ErrorBox error={error} />
    </section>
  )
}
