import { api } from '../app/api.js'
import { fullTime } from '../app/format.js'
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
      <h2 id="answers-title">Answers</h2>
      <ErrorBox error={action.error ?? list.error} />
      {list.items?.length === 0 && <p class="muted small">No answers yet.</p>}
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
              {a.hidden && <strong class="small"> (hidden)</strong>}
              {!a.authorIsMember && <span class="small muted"> (no longer a member)</span>}
            </p>
            <div class="row">
              <button
                type="button"
                aria-pressed={a.highlighted}
                disabled={action.busy || a.hidden}
                onClick={() => toggle(a, 'highlight', !a.highlighted)}
              >
                {a.highlighted ? '★ Highlighted' : '☆ Highlight'}
              </button>
              <button
                type="button"
                aria-pressed={a.hidden}
                disabled={action.busy}
                onClick={() => toggle(a, 'hide', !a.hidden)}
              >
                {a.hidden ? 'Unhide' : 'Hide'}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          More answers
        </button>
      )}
    </section>
  )
}
