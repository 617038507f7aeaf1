import type { Production } from './studio-types.js'
import { chapterName, type TagsDraft } from './tags.js'

/**
 * Production tags of a post: filming week or range and chapters (from the channel's production,
 * when it has one), location and unit. `idPrefix` keeps ids unique when two forms share a page.
 */
export function TagsFields({
  production,
  value,
  onChange,
  idPrefix = 'tags',
}: {
  production: Production | null
  value: TagsDraft
  onChange: (next: TagsDraft) => void
  idPrefix?: string
}) {
  const set = (patch: Partial<TagsDraft>) => onChange({ ...value, ...patch })
  const maxWeek = production?.filmingWeeks ?? undefined
  const toggleChapter = (n: number, on: boolean) =>
    set({ chapters: on ? [...value.chapters, n] : value.chapters.filter((c) => c !== n) })
  return (
    <fieldset class="tags-fields">
      <legend>Production tags</legend>
      {production ? (
        <>
          <div class="row">
            <div class="field week-field">
              <label for={`${idPrefix}-week-from`}>Filming week</label>
              <input
                id={`${idPrefix}-week-from`}
                type="number"
                inputMode="numeric"
                min={1}
                max={maxWeek}
                value={value.weekFrom}
                onInput={(e) => set({ weekFrom: e.currentTarget.value })}
              />
            </div>
            <div class="field week-field">
              <label for={`${idPrefix}-week-to`}>Until week</label>
              <input
                id={`${idPrefix}-week-to`}
                type="number"
                inputMode="numeric"
                min={1}
                max={maxWeek}
                value={value.weekTo}
                onInput={(e) => set({ weekTo: e.currentTarget.value })}
              />
            </div>
          </div>
          <p class="hint small">
            Leave “Until week” empty for a single week.{maxWeek ? ` Filming runs ${maxWeek} weeks.` : ''}
          </p>
          {production.chapters.length > 0 ? (
            <fieldset class="chapter-picks">
              <legend class="small">{production.chapterLabel}s</legend>
              {production.chapters.map((c) => (
                <label class="inline small" key={c.number}>
                  <input
                    type="checkbox"
                    checked={value.chapters.includes(c.number)}
                    onChange={(e) => toggleChapter(c.number, e.currentTarget.checked)}
                  />{' '}
                  {chapterName(production, c.number)}
                </label>
              ))}
            </fieldset>
          ) : (
            <p class="hint small">Add chapters in Manage → Production to tag posts with them.</p>
          )}
        </>
      ) : (
        <p class="hint small">
          Describe the production in Manage → Production to tag filming weeks and chapters.
        </p>
      )}
      <div class="row">
        <div class="field spacer">
          <label for={`${idPrefix}-location`}>Location</label>
          <input
            id={`${idPrefix}-location`}
            type="text"
            maxLength={100}
            placeholder="e.g. Harbour street"
            value={value.location}
            onInput={(e) => set({ location: e.currentTarget.value })}
          />
        </div>
        <div class="field spacer">
          <label for={`${idPrefix}-unit`}>Unit</label>
          <input
            id={`${idPrefix}-unit`}
            type="text"
            maxLength={60}
            placeholder="e.g. Second unit"
            value={value.unit}
            onInput={(e) => set({ unit: e.currentTarget.value })}
          />
        </div>
      </div>
      <p class="hint small">The location is what you type here, never anything read from the photos.</p>
    </fieldset>
  )
}
