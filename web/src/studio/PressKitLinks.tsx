import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { copyText, linkState } from './PreviewLinks.js'
import type { PressKit } from './studio-types.js'

/**
 * The press kit of a post or album, or of a digest (`subject`; owner and admins): issue a kit link to one recipient (name,
 * outlet, contact, usage note), copy its URL — shown once, the server keeps only a hash — and see
 * each issued link with its opens and downloads, and revoke it. The images served through a link
 * carry that recipient's invisible mark.
 */
export function PressKitLinks({ path, subject = 'post' }: { path: string; subject?: 'post' | 'digest' }) {
  const [items, setItems] = useState<PressKit[] | null>(null)
  const [recipient, setRecipient] = useState('')
  const [outlet, setOutlet] = useState('')
  const [contact, setContact] = useState('')
  const [usageNote, setUsageNote] = useState('')
  const [made, setMade] = useState<PressKit | null>(null)
  const [copied, setCopied] = useState<'' | 'copied' | 'select'>('')
  const urlField = useRef<HTMLInputElement>(null)
  const action = useAction()
  const load = () =>
    api.get<{ items: PressKit[] }>(`${path}/press-kits?limit=100`).then(
      (r) => setItems(r.items),
      (e: unknown) => action.setError(e),
    )
  useEffect(() => {
    void load()
  }, [path])

  const create = (e: Event) => {
    e.preventDefault()
    setCopied('')
    void action.run(async () => {
      const body: Record<string, unknown> = { recipient: recipient.trim(), contact: contact.trim() }
      if (outlet.trim()) body.outlet = outlet.trim()
      if (usageNote.trim()) body.usageNote = usageNote.trim()
      setMade(await api.post<PressKit>(`${path}/press-kits`, body))
      setRecipient('')
      setOutlet('')
      await load()
    })
  }
  const copy = async () => {
    if (!made?.url) return
    setCopied((await copyText(made.url, urlField.current)) ? 'copied' : 'select')
  }
  const revoke = (k: PressKit) =>
    action
      .run(() => api.delete(`${path}/press-kits/${encodeURIComponent(k.id)}`))
      .then((ok) => {
        if (ok) void load()
      })

  const now = Date.now()
  return (
    <section class="card" aria-labelledby="press-kit-title">
      <h2 id="press-kit-title">{t('studio.pressKit.title')}</h2>
      <p class="small muted">
        {t(subject === 'digest' ? 'studio.pressKit.helpDigest' : 'studio.pressKit.help')}
      </p>
      <form onSubmit={create} class="stack press-kit-form">
        <div class="field">
          <label for="kit-recipient">{t('studio.pressKit.recipient')}</label>
          <input
            id="kit-recipient"
            type="text"
            required
            maxLength={100}
            value={recipient}
            onInput={(e) => setRecipient(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="kit-outlet">{t('studio.pressKit.outlet')}</label>
          <input
            id="kit-outlet"
            type="text"
            maxLength={100}
            placeholder={t('studio.previews.labelExample')}
            value={outlet}
            onInput={(e) => setOutlet(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="kit-contact">{t('studio.pressKit.contact')}</label>
          <input
            id="kit-contact"
            type="text"
            required
            maxLength={200}
            value={contact}
            onInput={(e) => setContact(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="kit-usage">{t('studio.pressKit.usage')}</label>
          <textarea
            id="kit-usage"
            maxLength={1000}
            rows={2}
            value={usageNote}
            onInput={(e) => setUsageNote(e.currentTarget.value)}
          />
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={action.busy}>
            {t('studio.pressKit.create')}
          </button>
        </div>
      </form>
      {made?.url && (
        <div class="notice new-link" role="status">
          <label for="kit-url">{t('studio.pressKit.newFor', { name: made.recipient })}</label>
          <div class="row">
            <input id="kit-url" ref={urlField} type="text" readOnly value={made.url} class="spacer" />
            <button type="button" onClick={() => void copy()}>
              {t('studio.previews.copy')}
            </button>
          </div>
          {copied === 'copied' && <p class="small ok-text">{t('studio.previews.copied')}</p>}
          {copied === 'select' && <p class="small">{t('studio.previews.selectToCopy')}</p>}
        </div>
      )}
      <ErrorBox error={action.error} />
      {items?.length === 0 && <p class="small muted">{t('studio.pressKit.none')}</p>}
      <ul class="preview-list" aria-label={t('studio.pressKit.list')}>
        {(items ?? []).map((k) => (
          <li key={k.id} data-press-kit={k.id} class={k.revokedAt ? 'revoked' : undefined}>
            <div class="spacer">
              <strong>{[k.recipient, k.outlet].filter(Boolean).join(', ')}</strong>
              <p class="small muted">
                {t('studio.previews.made', { when: fullTime(k.createdAt) })} · {linkState(k, now)}
              </p>
              <p class="small">
                {t('studio.previews.opened', { count: k.opens })} ·{' '}
                {t('studio.pressKit.downloaded', { count: k.downloads })}
                {k.lastDownloadedAt &&
                  `, ${t('studio.previews.last', { when: fullTime(k.lastDownloadedAt) })}`}
              </p>
            </div>
            {!k.revokedAt && Date.parse(k.expiresAt) > now && (
              <button type="button" class="danger" disabled={action.busy} onClick={() => void revoke(k)}>
                {t('account.tokens.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
