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

export type When = 'now' | 'draft' | 'schedule'

/** Publish now, save as a draft, or schedule (embargo) for a time. */
export function WhenPicker({
  when,
  at,
  onChange,
}: {
  when: When
  at: string
  onChange: (patch: { when?: When; at?: string }) => void
}) {
  const choices: [When, string][] = [
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
      {/* @NOTE Sign-off (issue 16 point 2, another helper): "Submit for review" joins these choices here. */}
    </fieldset>
  )
}
