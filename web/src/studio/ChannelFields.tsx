import type { ComponentChildren } from 'preact'
import { t } from '../app/i18n.js'
import type { JoinPolicy, Visibility } from '../app/types.js'

/** What both channel forms edit: new channel (create) and channel settings (update). */
export interface ChannelFieldValues {
  title: string
  description: string
  visibility: Visibility
  joinPolicy: JoinPolicy
}

/**
 * The title, description, visibility and join-policy fields of a channel form. `afterTitle` holds
 * the fields only one form has that belong right below the title (the new channel's address).
 * Field ids start with `ch-`: the two forms are never on one page.
 */
export function ChannelFields({
  values,
  onChange,
  afterTitle,
}: {
  values: ChannelFieldValues
  onChange: (patch: Partial<ChannelFieldValues>) => void
  afterTitle?: ComponentChildren
}) {
  return (
    <>
      <div class="field">
        <label for="ch-title">{t('studio.settings.fields.title')}</label>
        <input
          id="ch-title"
          type="text"
          maxLength={100}
          required
          value={values.title}
          onInput={(e) => onChange({ title: e.currentTarget.value })}
        />
      </div>
      {afterTitle}
      <div class="field">
        <label for="ch-description">{t('studio.settings.fields.description')}</label>
        <textarea
          id="ch-description"
          maxLength={1000}
          value={values.description}
          onInput={(e) => onChange({ description: e.currentTarget.value })}
        />
      </div>
      <div class="row">
        <div class="field spacer">
          <label for="ch-visibility">{t('studio.settings.fields.visibility')}</label>
          <select
            id="ch-visibility"
            value={values.visibility}
            onChange={(e) => onChange({ visibility: e.currentTarget.value as Visibility })}
          >
            <option value="public">{t('studio.settings.fields.public')}</option>
            <option value="unlisted">{t('studio.settings.fields.unlisted')}</option>
            <option value="private">{t('studio.settings.fields.private')}</option>
          </select>
        </div>
        <div class="field spacer">
          <label for="ch-join">{t('studio.settings.fields.join')}</label>
          <select
            id="ch-join"
            value={values.joinPolicy}
            onChange={(e) => onChange({ joinPolicy: e.currentTarget.value as JoinPolicy })}
          >
            <option value="open">{t('studio.settings.fields.open')}</option>
            <option value="invite">{t('studio.settings.fields.invite')}</option>
            <option value="request">{t('studio.settings.fields.request')}</option>
          </select>
        </div>
      </div>
    </>
  )
}
