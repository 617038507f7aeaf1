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
        {ms === null ? 'Pick a date and time.' : `= ${utcLabel(ms)}`}
        {ms !== null && ms <= Date.now() && <span class="warn"> — this is in the past</span>}
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
        ['review', 'Submit for review (an owner or admin approves it)'],
        ['draft', 'Save as draft'],
      ]
    : [
        ['now', 'Publish now'],
        ['schedule', 'Schedule (embargo until a time)'],
        ['draft', 'Save as draft'],
      ]
  return (
    <fieldset class="when-picker">
      <legend>When</legend>
      {choices.map(([w, label]) => (
        <label class="inline" key={w}>
          <input type="radio" name="when" checked={when === w} onChange={() => onChange({ when: w })} />{' '}
          {label}
        </label>
      ))}
      {when === 'schedule' && (
        <DateTimeField id="publish-at" label="Publish at" value={at} onChange={(v) => onChange({ at: v })} />
      )}
      {when === 'review' && (
        <DateTimeField
          id="publish-at"
          label="Publish at, once approved (leave empty for as soon as approved)"
          value={at}
          onChange={(v) => onChange({ at: v })}
        />
      )}
    </fieldset>
  )
}
