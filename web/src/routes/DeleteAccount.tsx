import { useEffect, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { t } from '../app/i18n.js'
import { loadMe } from '../app/session.js'
import { useAction } from '../app/use-action.js'
import { deletionDate } from '../components/DeletionBanner.js'
import { ErrorBox } from '../components/ErrorBox.js'

/** GET /api/v1/me/deletion. */
export interface DeletionState {
  pending: { requestedAt: string; dueAt: string } | null
  graceDays: number
}

/**
 * "Delete account" in the account settings (issue 17 point 3): what happens (the grace period,
 * posts staying as "Former member", the rest erased), the password again and a confirmation; or,
 * while a deletion is pending, its date and the way back.
 */
export function DeleteAccount() {
  const [state, setState] = useState<DeletionState | null>(null)
  const [isSure, setSure] = useState(false)
  const load = async () => setState(await api.get<DeletionState>('/api/v1/me/deletion'))
  const { error, setError, busy, run } = useAction({ after: () => Promise.all([load(), loadMe()]) })
  useEffect(() => {
    load().catch(setError)
  }, [])
  const submit = (event: Event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const password = String(new FormData(form).get('password') ?? '')
    void run(async () => {
      await api.post('/api/v1/me/deletion', { password })
      form.reset()
      setSure(false)
    })
  }
  return (
    <section class="card danger-zone" aria-labelledby="delete-account-title" data-delete-account>
      <h2 id="delete-account-title">{t('deleteAccount.title')}</h2>
      {state === null ? (
        <p class="muted">{t('common.loading')}</p>
      ) : state.pending ? (
        <>
          <p role="status">{t('deleteAccount.pending', { date: deletionDate(state.pending.dueAt) })}</p>
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() => run(() => api.delete('/api/v1/me/deletion'))}
          >
            {t('deleteAccount.cancel')}
          </button>
        </>
      ) : (
        <form class="stack" onSubmit={submit}>
          <p>{t('deleteAccount.grace', { count: state.graceDays })}</p>
          <ul class="small">
            <li>{t('deleteAccount.erased')}</li>
            <li>{t('deleteAccount.posts')}</li>
            <li>{t('deleteAccount.owners')}</li>
          </ul>
          <label for="delete-password">{t('deleteAccount.password')}</label>
          <input
            id="delete-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
          <label class="inline">
            <input type="checkbox" checked={isSure} onChange={(e) => setSure(e.currentTarget.checked)} />{' '}
            {t('deleteAccount.confirm', { count: state.graceDays })}
          </label>
          <button type="submit" class="danger" disabled={busy || !isSure}>
            {t('deleteAccount.submit')}
          </button>
        </form>
      )}
      <ErrorBox error={error} />
    </section>
  )
}
