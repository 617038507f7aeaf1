import { api } from '../app/api.js'
import { locale, t } from '../app/i18n.js'
import { loadMe, me } from '../app/session.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from './ErrorBox.js'

/** When a pending deletion happens, in the person's language. */
export const deletionDate = (iso: string) =>
  new Date(iso).toLocaleString(locale(), { dateStyle: 'long', timeStyle: 'short' })

/**
 * Shown on every page while the person's account is due for deletion, with the way back; and once
 * after a login that cancelled a deletion.
 */
export function DeletionBanner() {
  const account = me.value
  const { error, busy, run } = useAction({ after: loadMe })
  if (account?.deletionCancelled) {
    return (
      <div class="banner" role="status" data-deletion-cancelled>
        <p>{t('deleteAccount.cancelledByLogin')}</p>
        <button type="button" onClick={() => (me.value = { ...account, deletionCancelled: false })}>
          {t('deleteAccount.dismiss')}
        </button>
      </div>
    )
  }
  if (!account?.deletionDueAt) return null
  return (
    <div class="banner warning" role="status" data-deletion-pending>
      <p>{t('deleteAccount.banner', { date: deletionDate(account.deletionDueAt) })}</p>
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={() => run(() => api.delete('/api/v1/me/deletion'))}
      >
        {t('deleteAccount.cancel')}
      </button>
      <ErrorBox error={error} />
    </div>
  )
}
