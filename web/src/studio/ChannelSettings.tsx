import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import type { Channel } from '../app/types.js'
import { useAction } from '../app/use-action.js'
import { Avatar } from '../components/Avatar.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { ExportData } from '../routes/ExportData.js'
import { ChannelFields, type ChannelFieldValues } from './ChannelFields.js'
import { FediversePanel } from './FediversePanel.js'
import { ProductionEditor } from './ProductionEditor.js'
import { BansPanel, InvitesPanel, MembersPanel, RequestsPanel } from './StaffPanels.js'
import { ChannelPending, StudioNav, useChannel } from './StudioNav.js'
import type { Production } from './studio-types.js'
import { newItem, startUpload, type UploadItem } from './uploads.js'

const ADMIN = new Set(['owner', 'admin'])

/** Channel management: settings, roles, invite links, join requests, bans (each as the role allows). */
export function ChannelSettings({ slug }: { slug: string }) {
  const { channel, setChannel, error } = useChannel(slug)
  if (error || !channel) return <ChannelPending error={error} />
  const role = channel.viewer?.role ?? null
  const isAdmin = ADMIN.has(role ?? '')
  return (
    <main id="main" class="stack wide">
      <StudioNav slug={slug} current="settings" role={role} />
      <h1>{t('studio.settings.title', { channel: channel.title })}</h1>
      {isAdmin && <AvatarPicker channel={channel} onSaved={setChannel} />}
      {isAdmin && <SettingsForm channel={channel} onSaved={setChannel} />}
      {isAdmin && (
        <ProductionEditor
          slug={slug}
          production={(channel.production ?? null) as Production | null}
          onSaved={(production) => setChannel({ ...channel, production })}
        />
      )}
      <MembersPanel slug={slug} role={role} />
      {isAdmin && <InvitesPanel slug={slug} />}
      {isAdmin && <RequestsPanel slug={slug} />}
      {isAdmin && <FediversePanel slug={slug} />}
      {(isAdmin || role === 'moderator') && <BansPanel slug={slug} />}
      {role === 'owner' && <ExportData channel={slug} />}
      {!role && <p class="notice">{t('studio.settings.teamOnly')}</p>}
    </main>
  )
}

function SettingsForm({ channel, onSaved }: { channel: Channel; onSaved: (c: Channel) => void }) {
  const [fields, setFields] = useState<ChannelFieldValues>({
    title: channel.title,
    description: channel.description,
    visibility: channel.visibility,
    joinPolicy: channel.joinPolicy,
  })
  const [reactions, setReactions] = useState(channel.reactionSet.join(' '))
  const [requireApproval, setRequireApproval] = useState(channel.requireApproval ?? false)
  const [saved, setSaved] = useState(false)
  const action = useAction()

  const save = async (e: Event) => {
    e.preventDefault()
    setSaved(false)
    const reactionSet = reactions.split(/[\s,]+/).filter(Boolean)
    const ok = await action.run(async () =>
      onSaved(
        await api.patch<Channel>(channelPath(channel.slug), { ...fields, reactionSet, requireApproval }),
      ),
    )
    setSaved(ok)
  }

  return (
    <form class="card" onSubmit={save} aria-labelledby="settings-title">
      <h2 id="settings-title">{t('studio.settings.settings')}</h2>
      <ChannelFields values={fields} onChange={(patch) => setFields((f) => ({ ...f, ...patch }))} />
      <div class="field">
        <label for="ch-reactions">{t('studio.settings.reactions')}</label>
        <input
          id="ch-reactions"
          type="text"
          value={reactions}
          onInput={(e) => setReactions(e.currentTarget.value)}
        />
      </div>
      <label class="inline">
        <input
          type="checkbox"
          checked={requireApproval}
          onChange={(e) => setRequireApproval(e.currentTarget.checked)}
        />{' '}
        {t('studio.settings.requireApproval')}
      </label>
      <ErrorBox error={action.error} />
      {saved && (
        <p role="status" class="small" style={{ color: 'var(--ok)' }}>
          {t('common.saved')}
        </p>
      )}
      <button type="submit" class="primary" disabled={action.busy}>
        {t('studio.settings.save')}
      </button>
    </form>
  )
}

/**
 * The channel avatar: pick an image, watch it upload (progress, then processing) over a local
 * preview, and it becomes the avatar as soon as the server has it ready; or remove the avatar.
 */
function AvatarPicker({ channel, onSaved }: { channel: Channel; onSaved: (c: Channel) => void }) {
  const [item, setItem] = useState<UploadItem | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState('')

  const update = (key: string, patch: Partial<UploadItem>) =>
    setItem((current) => (current?.key === key ? { ...current, ...patch } : current))
  const discard = (current: UploadItem | null) => {
    current?.abort?.()
    if (current) URL.revokeObjectURL(current.previewUrl)
    setItem(null)
  }
  const save = async (avatarMediaId: string | null) => {
    setBusy(true)
    setError(null)
    setDone('')
    try {
      onSaved(await api.patch<Channel>(channelPath(channel.slug), { avatarMediaId }))
      setDone(avatarMediaId ? t('studio.settings.avatar.updated') : t('studio.settings.avatar.removed'))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  // The upload is ready: make it the avatar, then drop the local preview.
  const readyId = item?.status === 'ready' ? (item.media?.id ?? null) : null
  useEffect(() => {
    if (!readyId) return
    void save(readyId).finally(() => discard(item))
  }, [readyId])

  const pick = (file: File | undefined) => {
    if (!file) return
    discard(item)
    setError(null)
    setDone('')
    const next = newItem(file)
    setItem(next)
    startUpload(next, update)
  }

  const uploading = item !== null && item.status !== 'failed'
  return (
    <section class="card" aria-labelledby="avatar-title">
      <h2 id="avatar-title">{t('studio.settings.avatar.title')}</h2>
      <div class="row">
        {item ? (
          <img
            class="avatar"
            src={item.previewUrl}
            alt={t('studio.settings.avatar.preview')}
            width={64}
            height={64}
          />
        ) : (
          <Avatar channel={channel} />
        )}
        <div class="spacer">
          {item?.status === 'uploading' && (
            <progress
              max={1}
              value={item.progress}
              aria-label={t('studio.settings.avatar.upload')}
              style={{ width: '100%' }}
            />
          )}
          {item?.status === 'processing' && <p class="small muted">{t('studio.upload.processing')}</p>}
          {item?.status === 'failed' && <ErrorBox error={item.error} />}
          <p class="small muted">{t('studio.settings.avatar.hint')}</p>
        </div>
      </div>
      <div class="row">
        <label class="button" for="avatar-input" aria-disabled={busy || uploading}>
          {channel.avatar ? t('studio.settings.avatar.change') : t('studio.settings.avatar.choose')}
        </label>
        <input
          id="avatar-input"
          class="visually-hidden"
          type="file"
          accept="image/*"
          disabled={busy || uploading}
          onChange={(e) => {
            pick(e.currentTarget.files?.[0])
            e.currentTarget.value = ''
          }}
        />
        {uploading && (
          <button type="button" onClick={() => discard(item)}>
            {t('common.cancel')}
          </button>
        )}
        {channel.avatar && !item && (
          <button type="button" disabled={busy} onClick={() => save(null)}>
            {t('studio.settings.avatar.remove')}
          </button>
        )}
      </div>
      <ErrorBox error={error} />
      {done && (
        <p role="status" class="small" style={{ color: 'var(--ok)' }}>
          {done}
        </p>
      )}
    </section>
  )
}
