import { api } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { useList } from './use-list.js'

interface Answer {
  id: string
  text: string
  author: { handle: string; displayName: string }
  createdAt: string
  highlighted: boolean
  hidden: boolean
  authorIsMember: boolean
}

/** A prompt's answers for staff: highlight (shown to every fan) or hide (moderation). */
export function AnswersPanel({ path }: { path: string }) {
  const list = useList<Answer>(`${path}/answers`)
  const action = useAction()
  const toggle = (a: Answer, what: 'highlight' | 'hide', on: boolean) =>
    action
      .run(() =>
        on
          ? api.put(`${path}/answers/${encodeURIComponent(a.id)}/${what}`)
          : api.delete(`${path}/answers/${encodeURIComponent(a.id)}/${what}`),
      )
      .then(() => list.reload())
  return (
    <section class="card" aria-labelledby="answers-title">
      <h2 id="answers-title">{t('studio.answers.title')}</h2>
      <ErrorBox error={action.error ?? list.error} />
      {list.items?.length === 0 && <p class="muted small">{t('studio.answers.none')}</p>}
      <ul class="answers">
        {(list.items ?? []).map((a) => (
          <li
            class="answer"
            key={a.id}
            style={
              a.highlighted ? undefined : { background: 'transparent', border: '1px solid var(--border)' }
            }
          >
            <p>
              “{a.text}”{' '}
              <span class="muted small">
                — {a.author.displayName} @{a.author.handle} · {fullTime(a.createdAt)}
              </span>
              {a.hidden && <strong class="small"> {t('studio.answers.hidden')}</strong>}
              {!a.authorIsMember && <span class="small muted"> {t('studio.answers.notMember')}</span>}
            </p>
            <div class="row">
              <button
                type="button"
                aria-pressed={a.highlighted}
                disabled={action.busy || a.hidden}
                onClick={() => toggle(a, 'highlight', !a.highlighted)}
              >
                {a.highlighted
                  ? `★ ${t('studio.answers.highlighted')}`
                  : `☆ ${t('studio.answers.highlight')}`}
              </button>
              <button
                type="button"
                aria-pressed={a.hidden}
                disabled={action.busy}
                onClick={() => toggle(a, 'hide', !a.hidden)}
              >
                {a.hidden ? t('studio.answers.unhide') : t('studio.answers.hide')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('studio.answers.more')}
        </button>
      )}
    </section>
  )
}
