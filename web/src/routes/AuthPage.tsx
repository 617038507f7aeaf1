import { useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { t } from '../app/i18n.js'
import { navigate, route } from '../app/router.js'
import { loadMe, me } from '../app/session.js'
import type { Account } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'

/** Only same-site paths are followed after logging in (no open redirect). */
function nextPath(): string {
  const next = route.value.search.get('next') ?? '/'
  return next.startsWith('/') && !next.startsWith('//') ? next : '/'
}

export function AuthPage({ mode }: { mode: 'login' | 'signup' }) {
  const [handle, setHandle] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const isSignup = mode === 'signup'
  const next = nextPath()

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const account = isSignup
        ? await api.post<Account>('/api/v1/accounts', {
            handle,
            displayName: displayName || handle,
            password,
          })
        : await api.post<Account>('/api/v1/sessions', { handle, password })
      // The full account has the language setting, which main.tsx applies as soon as `me` changes.
      await loadMe()
      me.value ??= account
      // Only the login's answer says that logging in cancelled a pending deletion (issue 17).
      if (account.deletionCancelled && me.value) me.value = { ...me.value, deletionCancelled: true }
      navigate(next, { replace: true })
    } catch (err) {
      setError(err) // what was typed stays in the form
    } finally {
      setBusy(false)
    }
  }

  const other = isSignup ? '/app/login' : '/app/signup'
  return (
    <main id="main">
      <form class="card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{isSignup ? t('auth.signupTitle') : t('common.logIn')}</h1>
        <div class="field">
          <label for="handle">{t('auth.handle')}</label>
          <input
            id="handle"
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            value={handle}
            onInput={(e) => setHandle(e.currentTarget.value)}
          />
          {isSignup && <p class="hint">{t('auth.handleHint')}</p>}
        </div>
        {isSignup && (
          <div class="field">
            <label for="display-name">{t('auth.displayName')}</label>
            <input
              id="display-name"
              type="text"
              autoComplete="nickname"
              value={displayName}
              onInput={(e) => setDisplayName(e.currentTarget.value)}
            />
          </div>
        )}
        <div class="field">
          <label for="password">{t('auth.password')}</label>
          <input
            id="password"
            type="password"
            autoComplete={isSignup ? 'new-password' : 'current-password'}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          {isSignup && <p class="hint">{t('auth.passwordHint')}</p>}
        </div>
        <ErrorBox error={error} />
        <div class="row" style={{ marginTop: '12px' }}>
          <button type="submit" class="primary" disabled={busy}>
            {isSignup ? t('common.signUp') : t('common.logIn')}
          </button>
          <Link href={`${other}?next=${encodeURIComponent(next)}`}>
            {isSignup ? t('auth.haveAccount') : t('auth.createAccount')}
          </Link>
        </div>
      </form>
    </main>
  )
}
