import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import type { Post, Prompt } from '../app/types.js'
import { ErrorBox } from './ErrorBox.js'

/** A question to fans: an answer box (one answer each, seen by staff) and the highlighted answers. */
export function PromptView(props: { post: Post; canAnswer: boolean; onChange: (p: Post) => void }) {
  const prompt = props.post.prompt as Prompt
  const [text, setText] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const id = `answer-${props.post.id}`

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const path = channelPath(props.post.channel, `/posts/${encodeURIComponent(props.post.id)}/answers`)
      const answer = await api.post<Prompt['myAnswer']>(path, { text })
      props.onChange({ ...props.post, prompt: { ...prompt, myAnswer: answer } })
      setText('')
    } catch (err) {
      setError(err) // the typed answer stays in the box
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="prompt">
      <h3>{prompt.question}</h3>
      {prompt.myAnswer ? (
        <p class="notice">
          {t('prompt.yourAnswer', { text: prompt.myAnswer.text })}
          {prompt.myAnswer.highlighted ? ` — ${t('prompt.highlightedMine')}` : ''}
        </p>
      ) : props.canAnswer ? (
        <form onSubmit={submit}>
          <label for={id}>{t('prompt.label')}</label>
          <textarea
            id={id}
            value={text}
            maxLength={500}
            onInput={(e) => setText(e.currentTarget.value)}
            required
          />
          <div class="row">
            <button type="submit" class="primary" disabled={busy || text.trim() === ''}>
              {t('prompt.send')}
            </button>
          </div>
        </form>
      ) : null}
      <ErrorBox error={error} />
      {prompt.highlighted.length > 0 && (
        <>
          <h4 class="small muted">{t('prompt.highlighted')}</h4>
          <ul class="answers">
            {prompt.highlighted.map((a) => (
              <li key={a.id} class="answer">
                “{a.text}” <span class="muted small">— {a.author.displayName}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
