import { useRef, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { ErrorBox } from './ErrorBox.js'

/** The reasons the server accepts (src/reports/reasons.ts), in the order the dialog lists them. */
const REASONS = [
  'spam',
  'harassment',
  'hate',
  'violence',
  'sexual',
  'spoiler',
  'impersonation',
  'other',
] as const

/** One thing the dialog can report, with how it is named in the "What" list. */
export interface ReportTarget {
  kind: 'post' | 'image' | 'answer' | 'channel'
  postId?: string
  mediaId?: string
  answerId?: string
  label: string
}

/**
 * "Report" and its dialog (issue 17): what (when there is a choice: the post, one of its photos,
 * a highlighted answer), a reason from the fixed list and an optional comment. Reporting the same
 * thing again updates the earlier report; the outcome arrives as a notice.
 */
export function ReportButton({ slug, targets }: { slug: string; targets: ReportTarget[] }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const [which, setWhich] = useState(0)
  const [reason, setReason] = useState<string>('')
  const [comment, setComment] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [sent, setSent] = useState(false)
  const [busy, setBusy] = useState(false)
  const open = () => {
    setSent(false)
    setError(null)
    dialog.current?.showModal()
  }
  const submit = async (e: Event) => {
    e.preventDefault()
    const target = targets[which]!
    setBusy(true)
    try {
      const { label: _label, ...what } = target
      await api.post(channelPath(slug, '/reports'), {
        ...what,
        reason,
        ...(comment.trim() ? { comment } : {}),
      })
      setSent(true)
      setComment('')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const titleId = `report-title-${slug}`
  return (
    <>
      <button type="button" class="link-button small" onClick={open}>
        {t('reports.report')}
      </button>
      <dialog ref={dialog} class="report-dialog card" aria-labelledby={titleId}>
        {sent ? (
          <div class="stack">
            <h2 id={titleId}>{t('reports.thanks')}</h2>
            <p>{t('reports.thanksDetail')}</p>
            <button type="button" onClick={() => dialog.current?.close()}>
              {t('reports.close')}
            </button>
          </div>
        ) : (
          <form class="stack" onSubmit={submit}>
            <h2 id={titleId}>{t('reports.title')}</h2>
            {targets.length > 1 && (
              <label>
                {t('reports.what')}
                <select value={String(which)} onChange={(e) => setWhich(Number(e.currentTarget.value))}>
                  {targets.map((target, i) => (
                    <option key={target.label} value={String(i)}>
                      {target.label}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <fieldset>
              <legend>{t('reports.why')}</legend>
              {REASONS.map((r) => (
                <label key={r} class="radio">
                  <input
                    type="radio"
                    name="reason"
                    value={r}
                    checked={reason === r}
                    required
                    onChange={() => setReason(r)}
                  />
                  {t(`reports.reasons.${r}`)}
                </label>
              ))}
            </fieldset>
            <label>
              {t('reports.comment')}
              <textarea
                maxLength={500}
                rows={3}
                value={comment}
                onInput={(e) => setComment(e.currentTarget.value)}
              />
            </label>
            <ErrorBox error={error} />
            <div class="row">
              <button type="submit" class="primary" disabled={busy || !reason}>
                {t('reports.send')}
              </button>
              <button type="button" onClick={() => dialog.current?.close()}>
                {t('reports.cancel')}
              </button>
            </div>
          </form>
        )}
      </dialog>
    </>
  )
}
