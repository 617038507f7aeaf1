import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import type { Poll, Post } from '../app/types.js'
import { ErrorBox } from './ErrorBox.js'

/**
 * A poll or quiz. Before voting: options to pick (checkboxes for multiple choice). After voting, or
 * once closed: results as bars (when the poll shows them), the viewer's choice and a quiz's
 * correct answer marked.
 */
export function PollView(props: { post: Post; canVote: boolean; onChange: (p: Post) => void }) {
  const poll = props.post.poll as Poll
  const [picked, setPicked] = useState<number[]>([])
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const hasVoted = poll.myVote !== null
  const showResults = hasVoted || poll.closed || !props.canVote
  const max = Math.max(1, ...poll.options.map((o) => o.votes ?? 0))

  const send = async (options: number[] | null) => {
    setBusy(true)
    setError(null)
    try {
      const path = channelPath(props.post.channel, `/posts/${encodeURIComponent(props.post.id)}/vote`)
      const res =
        options === null
          ? await api.delete<{ poll: Poll }>(path)
          : await api.put<{ poll: Poll }>(path, { options })
      props.onChange({ ...props.post, poll: res.poll })
      setPicked([])
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  const toggle = (i: number) => {
    if (!poll.multiple) return void send([i])
    setPicked((p) => (p.includes(i) ? p.filter((x) => x !== i) : [...p, i]))
  }

  return (
    <div class="poll">
      <h3>{poll.question}</h3>
      <p class="muted small">
        {poll.quiz ? t('poll.quiz') : poll.multiple ? t('poll.multiple') : t('poll.poll')} ·{' '}
        {t('poll.votes', { count: poll.totalVoters })}
        {poll.closed
          ? ` · ${t('poll.closed')}`
          : poll.closesAt
            ? ` · ${t('poll.closes', { when: fullTime(poll.closesAt) })}`
            : ''}
      </p>
      <ul>
        {poll.options.map((o, i) => {
          const chosen = poll.myVote?.includes(i) ?? false
          const correct = poll.correctOption === i
          const pct =
            o.votes === null ? 0 : Math.round(((o.votes ?? 0) / Math.max(1, poll.totalVoters)) * 100)
          if (showResults) {
            return (
              <li key={i}>
                <div class={`button bar-option${chosen ? ' chosen' : ''}${correct ? ' correct' : ''}`}>
                  <span
                    class="bar-fill"
                    style={{ width: `${o.votes === null ? 0 : ((o.votes ?? 0) / max) * 100}%` }}
                  />
                  <span class="bar-label">
                    {o.text}
                    {chosen && ` ✓ ${t('poll.yourVote')}`}
                    {correct && ` ${t('poll.correct')}`}
                  </span>
                  <span data-votes={i}>{o.votes === null ? t('poll.hidden') : `${pct}% · ${o.votes}`}</span>
                </div>
              </li>
            )
          }
          return (
            <li key={i}>
              <button
                type="button"
                class="bar-option"
                aria-pressed={poll.multiple ? picked.includes(i) : undefined}
                disabled={busy}
                onClick={() => toggle(i)}
              >
                <span class="bar-label">{o.text}</span>
              </button>
            </li>
          )
        })}
      </ul>
      {!showResults && poll.multiple && (
        <button
          type="button"
          class="primary"
          disabled={busy || picked.length === 0}
          onClick={() => send(picked)}
        >
          {t('poll.vote')}
        </button>
      )}
      {showResults && !poll.resultsVisible && <p class="muted small">{t('poll.resultsLater')}</p>}
      {poll.explanation && <p class="notice">{poll.explanation}</p>}
      {hasVoted && !poll.closed && !poll.quiz && props.canVote && (
        <button type="button" class="link" disabled={busy} onClick={() => send(null)}>
          {t('poll.takeBack')}
        </button>
      )}
      <ErrorBox error={error} />
    </div>
  )
}
