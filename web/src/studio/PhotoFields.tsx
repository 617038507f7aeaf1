import { t } from '../app/i18n.js'

/** What the composer and the album editor let a creator say about each photo besides its alt text. */
export interface PhotoFacts {
  credit: string
  rights: string
  spoiler: boolean
  spoilerLabel: string
}

const FIELD_STYLE = { flex: '1 1 160px', width: 'auto' }

/**
 * The credit, usage rights and spoiler (with its own label) of photo `n` (1-based), kept apart from
 * anything read from the file: the server strips every metadata block on upload.
 */
export function PhotoFields({
  n,
  facts,
  onChange,
}: {
  n: number
  facts: PhotoFacts
  onChange: (patch: Partial<PhotoFacts>) => void
}) {
  return (
    <div class="row">
      <input
        type="text"
        aria-label={t('studio.photo.creditFor', { n })}
        placeholder={t('studio.photo.credit')}
        maxLength={200}
        style={FIELD_STYLE}
        value={facts.credit}
        onInput={(e) => onChange({ credit: e.currentTarget.value })}
      />
      <input
        type="text"
        aria-label={t('studio.photo.rightsFor', { n })}
        placeholder={t('studio.photo.rights')}
        maxLength={200}
        style={FIELD_STYLE}
        value={facts.rights}
        onInput={(e) => onChange({ rights: e.currentTarget.value })}
      />
      <label class="inline small">
        <input
          type="checkbox"
          checked={facts.spoiler}
          onChange={(e) => onChange({ spoiler: e.currentTarget.checked })}
        />{' '}
        {t('spoiler.plain')}
      </label>
      {facts.spoiler && (
        <input
          type="text"
          aria-label={t('studio.photo.spoilerLabelFor', { n })}
          placeholder={t('studio.photo.spoilerLabel')}
          maxLength={60}
          style={FIELD_STYLE}
          value={facts.spoilerLabel}
          onInput={(e) => onChange({ spoilerLabel: e.currentTarget.value })}
        />
      )}
    </div>
  )
}
