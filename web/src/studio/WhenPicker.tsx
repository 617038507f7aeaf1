import { t } from '../app/i18n.js'
import { fromLocalInput, utcLabel, zoneName } from './datetime.js'

/**
 * A date-time field in the creator's time zone with the same instant in UTC beside it (press
 * embargoes are often given in UTC). `value` is a `datetime-local` value.
 */
export function DateTimeField({
  id,
  label,
  value,
  onChange,
}: {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
}) {
  const ms = fromLocalInput(value)
  return (
    <div class="field when-field">
      <label for={id}>
        {label} <span class="muted small">({zoneName()})</span>
      </label>
      <input
        id={id}
        type="datetime-local"
        value={value}
        aria-describedby={`${id}-utc`}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
      <p id={`${id}-utc`} class="utc-line small" data-utc>
        {ms === null ? t('studio.when.pick') : `= ${utcLabel(ms)}`}
        {ms !== null && ms <= Date.now() && <span class="warn"> — {t('studio.when.past')}</span>}
      </p>
    </div>
  )
}

export type When = 'now' | 'draft' | 'schedule' | 'review'

/**
 * Publish now, save as a draft, or schedule (embargo) for a time — or, for a creator in a channel
 * that requires approval, submit for review (with the time it should go out, if any) or save.
 */
export function WhenPicker({
  when,
  at,
  onChange,
  review = false,
}: {
  when: When
  at: string
  onChange: (patch: { when?: When; at?: string }) => void
  review?: boolean
}) {
  const choices: [When, string][] = review
    ? [
        ['review', t('studio.when.review')],
        ['draft', t('studio.when.draft')],
      ]
    : [
        ['now', t('studio.when.now')],
        ['schedule', t('studio.when.schedule')],
        ['draft', t('studio.when.draft')],
      ]
  return (
    <fieldset class="when-picker">
      <legend>{t('studio.when.legend')}</legend>
      {choices.map(([w, label]) => (
        <label class="inline" key={w}>
          <input type="radio" name="when" checked={when === w} onChange={() => onChange({ when: w })} />{' '}
          {label}
        </label>
      ))}
      {when === 'schedule' && (
        <DateTimeField
          id="publish-at"
          label={t('studio.when.publishAt')}
          value={at}
          onChange={(v) => onChange({ at: v })}
        />
      )}
      {when === 'review' && (
        <DateTimeField
          id="publish-at"
          label={t('studio.when.publishAtReview')}
          value={at}
          onChange={(v) => onChange({ at: v })}
        />
      )}
    </fieldset>
  )
}
