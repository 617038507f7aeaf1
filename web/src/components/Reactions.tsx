import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import type { Post, Reactions as ReactionsData } from '../app/types.js'
import { ErrorBox } from './ErrorBox.js'

/** Optimistic local result of choosing `emoji` (or clearing with null); live counts correct it. */
export function withMyReaction(r: ReactionsData, emoji: string | null): ReactionsData {
  const counts = r.counts.map((c) => {
    let count = c.count
    if (c.emoji === r.mine) count = Math.max(0, count - 1)
    if (c.emoji === emoji) count += 1
    return { ...c, count }
  })
  return { ...r, counts, total: counts.reduce((s, c) => s + c.count, 0), mine: emoji }
}

/** The channel's reaction set with live counts; one reaction per member, tapping yours removes it. */
export function Reactions(props: { post: Post; canReact: boolean; onChange: (p: Post) => void }) {
  const { post } = props
  const r = post.reactions
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  if (!r?.enabled) return null

  const choose = async (emoji: string) => {
    const next = r.mine === emoji ? null : emoji
    const before = post
    setError(null)
    setBusy(true)
    props.onChange({ ...post, reactions: withMyReaction(r, next) })
    try {
      const path = channelPath(post.channel, `/posts/${encodeURIComponent(post.id)}/reaction`)
      if (next === null) await api.delete(path)
      else await api.put(path, { emoji: next })
    } catch (e) {
      props.onChange(before)
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <fieldset class="reactions" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend class="visually-hidden">{t('reactions.legend')}</legend>
        {r.counts.map((c) => (
          <button
            key={c.emoji}
            type="button"
            class="reaction"
            aria-pressed={r.mine === c.emoji}
            disabled={!props.canReact || busy}
            aria-label={`${c.emoji} ${c.count}${r.mine === c.emoji ? `, ${t('reactions.yours')}` : ''}`}
            onClick={() => choose(c.emoji)}
          >
            <span aria-hidden="true">{c.emoji}</span>
            <span aria-hidden="true" data-count={c.emoji}>
              {c.count}
            </span>
          </button>
        ))}
      </fieldset>
      <ErrorBox error={error} />
    </div>
  )
}
