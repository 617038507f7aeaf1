import { t } from '../app/i18n.js'
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
      <legend>{t('tags.label')}</legend>
      {production ? (
        <>
          <div class="row">
            <div class="field week-field">
              <label for={`${idPrefix}-week-from`}>{t('studio.tags.week')}</label>
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
              <label for={`${idPrefix}-week-to`}>{t('studio.tags.untilWeek')}</label>
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
            {t('studio.tags.singleWeek')}
            {maxWeek ? ` ${t('studio.tags.filmingRuns', { count: maxWeek })}` : ''}
          </p>
          {production.chapters.length > 0 ? (
            <fieldset class="chapter-picks">
              <legend class="small">{t('studio.tags.chapters', { label: production.chapterLabel })}</legend>
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
            <p class="hint small">{t('studio.tags.addChapters')}</p>
          )}
        </>
      ) : (
        <p class="hint small">{t('studio.tags.describe')}</p>
      )}
      <div class="row">
        <div class="field spacer">
          <label for={`${idPrefix}-location`}>{t('tags.kind.location')}</label>
          <input
            id={`${idPrefix}-location`}
            type="text"
            maxLength={100}
            placeholder={t('studio.tags.locationExample')}
            value={value.location}
            onInput={(e) => set({ location: e.currentTarget.value })}
          />
        </div>
        <div class="field spacer">
          <label for={`${idPrefix}-unit`}>{t('tags.kind.unit')}</label>
          <input
            id={`${idPrefix}-unit`}
            type="text"
            maxLength={60}
            placeholder={t('studio.tags.unitExample')}
            value={value.unit}
            onInput={(e) => set({ unit: e.currentTarget.value })}
          />
        </div>
      </div>
      <p class="hint small">{t('studio.tags.locationHint')}</p>
    </fieldset>
  )
}
