import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import type { PressPreview } from './studio-types.js'

/** Expiry choices in hours, with their catalog key (studio.previews.expiry.*). */
const EXPIRIES: [number, string][] = [
  [24, 'day'],
  [72, 'days3'],
  [168, 'week'],
  [720, 'days30'],
]

/**
 * Copies text with the Clipboard API; where it is missing or refused (an insecure origin, an old
 * browser) it selects the field so the person can copy it themselves. Returns whether it copied.
 */
export async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    field?.focus()
    field?.select()
    return false
  }
}

/** Whether a secret press link (preview or kit) still works, and until or since when. */
export function linkState(link: { revokedAt: string | null; expiresAt: string }, now: number): string {
  if (link.revokedAt) return t('studio.previews.revoked', { when: fullTime(link.revokedAt) })
  if (Date.parse(link.expiresAt) <= now)
    return t('studio.previews.expired', { when: fullTime(link.expiresAt) })
  return t('studio.previews.worksUntil', { when: fullTime(link.expiresAt) })
}

/**
 * Press preview links of a draft or scheduled post: make one (label, expiry), copy its URL — shown
 * only once, the server keeps only a hash — list them and revoke. Open counts appear when the
 * server reports them.
 */
export function PreviewLinks({ path }: { path: string }) {
  const [items, setItems] = useState<PressPreview[] | null>(null)
  const [label, setLabel] = useState('')
  const [hours, setHours] = useState(72)
  const [made, setMade] = useState<PressPreview | null>(null)
  const [copied, setCopied] = useState<'' | 'copied' | 'select'>('')
  const urlField = useRef<HTMLInputElement>(null)
  const action = useAction()
  const load = () =>
    api.get<{ items: PressPreview[] }>(`${path}/previews`).then(
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
      const body: Record<string, unknown> = { expiresInHours: hours }
      if (label.trim()) body.label = label.trim()
      setMade(await api.post<PressPreview>(`${path}/previews`, body))
      setLabel('')
      await load()
    })
  }
  const copy = async () => {
    if (!made?.url) return
    setCopied((await copyText(made.url, urlField.current)) ? 'copied' : 'select')
  }
  const revoke = (p: PressPreview) =>
    action
      .run(() => api.delete(`${path}/previews/${encodeURIComponent(p.id)}`))
      .then((ok) => {
        if (ok) void load()
      })

  const now = Date.now()
  return (
    <section class="card" aria-labelledby="previews-title">
      <h2 id="previews-title">{t('studio.previews.title')}</h2>
      <p class="small muted">{t('studio.previews.help')}</p>
      <form onSubmit={create} class="row preview-form">
        <div class="field spacer">
          <label for="preview-label">{t('studio.previews.label')}</label>
          <input
            id="preview-label"
            type="text"
            maxLength={100}
            placeholder={t('studio.previews.labelExample')}
            value={label}
            onInput={(e) => setLabel(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="preview-expiry">{t('studio.previews.expiresAfter')}</label>
          <select id="preview-expiry" value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))}>
            {EXPIRIES.map(([h, key]) => (
              <option key={h} value={h}>
                {t(`studio.previews.expiry.${key}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={action.busy}>
          {t('studio.previews.create')}
        </button>
      </form>
      {made?.url && (
        <div class="notice new-link" role="status">
          <label for="preview-url">
            {made.label ? t('studio.previews.newFor', { label: made.label }) : t('studio.previews.new')}
          </label>
          <div class="row">
            <input id="preview-url" ref={urlField} type="text" readOnly value={made.url} class="spacer" />
            <button type="button" onClick={() => void copy()}>
              {t('studio.previews.copy')}
            </button>
          </div>
          {copied === 'copied' && <p class="small ok-text">{t('studio.previews.copied')}</p>}
          {copied === 'select' && <p class="small">{t('studio.previews.selectToCopy')}</p>}
        </div>
      )}
      <ErrorBox error={action.error} />
      {items?.length === 0 && <p class="small muted">{t('studio.previews.none')}</p>}
      <ul class="preview-list" aria-label={t('studio.previews.list')}>
        {(items ?? []).map((p) => (
          <li key={p.id} data-preview={p.id} class={p.revokedAt ? 'revoked' : undefined}>
            <div class="spacer">
              <strong>{p.label || t('studio.previews.untitled')}</strong>
              <p class="small muted">
                {t('studio.previews.made', { when: fullTime(p.createdAt) })} · {linkState(p, now)}
                {p.opens !== undefined && ` · ${t('studio.previews.opened', { count: p.opens })}`}
                {p.lastOpenedAt && `, ${t('studio.previews.last', { when: fullTime(p.lastOpenedAt) })}`}
              </p>
            </div>
            {!p.revokedAt && Date.parse(p.expiresAt) > now && (
              <button type="button" class="danger" disabled={action.busy} onClick={() => void revoke(p)}>
                {t('account.tokens.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
