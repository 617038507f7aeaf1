import type { ComponentChildren } from 'preact'
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
        <label for="ch-title">Title</label>
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
        <label for="ch-description">Description</label>
        <textarea
          id="ch-description"
          maxLength={1000}
          value={values.description}
          onInput={(e) => onChange({ description: e.currentTarget.value })}
        />
      </div>
      <div class="row">
        <div class="field spacer">
          <label for="ch-visibility">Visibility</label>
          <select
            id="ch-visibility"
            value={values.visibility}
            onChange={(e) => onChange({ visibility: e.currentTarget.value as Visibility })}
          >
            <option value="public">Public — listed, anyone can read</option>
            <option value="unlisted">Unlisted — anyone with the link</option>
            <option value="private">Private — members only</option>
          </select>
        </div>
        <div class="field spacer">
          <label for="ch-join">Who can join</label>
          <select
            id="ch-join"
            value={values.joinPolicy}
            onChange={(e) => onChange({ joinPolicy: e.currentTarget.value as JoinPolicy })}
          >
            <option value="open">Anyone</option>
            <option value="invite">Invite link only</option>
            <option value="request">On request</option>
          </select>
        </div>
      </div>
    </>
  )
}
