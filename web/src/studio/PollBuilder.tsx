import { t } from '../app/i18n.js'

export interface PollDraft {
  question: string
  options: string[]
  multiple: boolean
  quiz: boolean
  correctOption: number
  explanation: string
  closesAt: string
  resultsAfterClose: boolean
}

export const emptyPoll: PollDraft = {
  question: '',
  options: ['', ''],
  multiple: false,
  quiz: false,
  correctOption: 0,
  explanation: '',
  closesAt: '',
  resultsAfterClose: false,
}

export const MAX_OPTIONS = 12

/** The `poll` part of a create-post body (docs/api.md; src/interactions/schemas.ts CreatePollBody). */
export function pollBody(d: PollDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    question: d.question.trim(),
    options: d.options.map((o) => o.trim()),
    multiple: d.quiz ? false : d.multiple,
  }
  if (d.quiz) {
    body.quiz = d.explanation.trim()
      ? { correctOption: d.correctOption, explanation: d.explanation.trim() }
      : { correctOption: d.correctOption }
  }
  if (d.closesAt) body.closesAt = new Date(d.closesAt).toISOString()
  if (d.resultsAfterClose) body.resultsVisibility = 'after-close'
  return body
}

export function PollBuilder({ draft, onChange }: { draft: PollDraft; onChange: (d: PollDraft) => void }) {
  const set = (patch: Partial<PollDraft>) => onChange({ ...draft, ...patch })
  const setOption = (i: number, text: string) =>
    set({ options: draft.options.map((o, j) => (j === i ? text : o)) })
  return (
    <fieldset>
      <legend>{draft.quiz ? t('poll.quiz') : t('poll.poll')}</legend>
      <div class="field">
        <label for="poll-question">{t('studio.poll.question')}</label>
        <input
          id="poll-question"
          type="text"
          maxLength={300}
          value={draft.question}
          onInput={(e) => set({ question: e.currentTarget.value })}
        />
      </div>
      {draft.options.map((o, i) => (
        <div class="row field" key={i}>
          {draft.quiz && (
            <input
              type="radio"
              name="correct-option"
              aria-label={t('studio.poll.correctOption', { n: i + 1 })}
              checked={draft.correctOption === i}
              onChange={() => set({ correctOption: i })}
            />
          )}
          <input
            type="text"
            style={{ flex: 1, width: 'auto' }}
            aria-label={t('studio.poll.option', { n: i + 1 })}
            placeholder={t('studio.poll.option', { n: i + 1 })}
            maxLength={100}
            value={o}
            onInput={(e) => setOption(i, e.currentTarget.value)}
          />
          {draft.options.length > 2 && (
            <button
              type="button"
              class="icon-button"
              aria-label={t('studio.poll.removeOption', { n: i + 1 })}
              onClick={() =>
                set({
                  options: draft.options.filter((_, j) => j !== i),
                  correctOption:
                    draft.correctOption >= i && draft.correctOption > 0
                      ? draft.correctOption - 1
                      : draft.correctOption,
                })
              }
            >
              ✕
            </button>
          )}
        </div>
      ))}
      {draft.options.length < MAX_OPTIONS && (
        <button type="button" onClick={() => set({ options: [...draft.options, ''] })}>
          {t('studio.poll.addOption')}
        </button>
      )}
      <div class="row" style={{ marginTop: '8px' }}>
        <label class="inline">
          <input
            type="checkbox"
            checked={draft.quiz}
            onChange={(e) => set({ quiz: e.currentTarget.checked })}
          />{' '}
          {t('studio.poll.quiz')}
        </label>
        {!draft.quiz && (
          <label class="inline">
            <input
              type="checkbox"
              checked={draft.multiple}
              onChange={(e) => set({ multiple: e.currentTarget.checked })}
            />{' '}
            {t('studio.poll.multiple')}
          </label>
        )}
        <label class="inline">
          <input
            type="checkbox"
            checked={draft.resultsAfterClose}
            onChange={(e) => set({ resultsAfterClose: e.currentTarget.checked })}
          />{' '}
          {t('studio.poll.hideResults')}
        </label>
      </div>
      {draft.quiz && (
        <div class="field">
          <label for="quiz-explanation">{t('studio.poll.explanation')}</label>
          <input
            id="quiz-explanation"
            type="text"
            maxLength={200}
            value={draft.explanation}
            onInput={(e) => set({ explanation: e.currentTarget.value })}
          />
        </div>
      )}
      <div class="field">
        <label for="poll-closes">{t('studio.poll.closesAt')}</label>
        <input
          id="poll-closes"
          type="datetime-local"
          value={draft.closesAt}
          onInput={(e) => set({ closesAt: e.currentTarget.value })}
        />
      </div>
    </fieldset>
  )
}
