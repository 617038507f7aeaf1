import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { fullTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import type { Role } from '../app/types.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { useList } from './use-list.js'

interface Member {
  handle: string
  displayName: string
  role: Role | null
  joinedAt: string
}
interface Invite {
  id: string
  maxUses: number | null
  uses: number
  expiresAt: string | null
  revoked: boolean
  createdAt: string
  url?: string
}
interface JoinRequest {
  handle: string
  displayName: string
  message: string
  createdAt: string
}
interface Ban {
  handle: string
  displayName: string
  reason: string
  bannedBy: string
  createdAt: string
}

const enc = encodeURIComponent

export function MembersPanel({ slug, role }: { slug: string; role: Role | null }) {
  const canList = role === 'owner' || role === 'admin' || role === 'moderator'
  const canRoles = role === 'owner' || role === 'admin'
  const list = useList<Member>(channelPath(slug, '/members'))
  const action = useAction()
  const [handle, setHandle] = useState('')
  const [newRole, setNewRole] = useState<Role>('creator')
  if (!canList) return null

  const grant = async (e: Event) => {
    e.preventDefault()
    const ok = await action.run(() =>
      api.put(channelPath(slug, `/roles/${enc(handle.trim())}`), { role: newRole }),
    )
    if (ok) {
      setHandle('')
      void list.reload()
    }
  }
  const act = (fn: () => Promise<unknown>) =>
    action.run(fn).then((ok) => {
      if (ok) void list.reload()
    })

  return (
    <section class="card" aria-labelledby="members-title">
      <h2 id="members-title">{t('studio.members.title')}</h2>
      {canRoles && (
        <form class="row" onSubmit={grant}>
          <input
            type="text"
            aria-label={t('auth.handle')}
            placeholder={t('studio.members.handle')}
            required
            style={{ flex: '1 1 140px', width: 'auto' }}
            value={handle}
            onInput={(e) => setHandle(e.currentTarget.value)}
          />
          <select
            aria-label={t('studio.members.role')}
            style={{ width: 'auto' }}
            value={newRole}
            onChange={(e) => setNewRole(e.currentTarget.value as Role)}
          >
            <option value="creator">{t('studio.members.guestCreator')}</option>
            <option value="moderator">{t('studio.members.moderator')}</option>
            {role === 'owner' && <option value="admin">{t('studio.members.admin')}</option>}
          </select>
          <button type="submit" class="primary" disabled={action.busy}>
            {t('studio.members.give')}
          </button>
        </form>
      )}
      <ErrorBox error={action.error ?? list.error} />
      <table>
        <thead>
          <tr>
            <th>{t('studio.members.member')}</th>
            <th>{t('studio.members.role')}</th>
            <th>{t('studio.members.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.items ?? []).map((m) => (
            <tr key={m.handle}>
              <td>
                {m.displayName} <span class="muted small">@{m.handle}</span>
              </td>
              <td>{m.role ? t(`roles.${m.role}`) : t('studio.members.fan')}</td>
              <td>
                <div class="row">
                  {canRoles && m.role && m.role !== 'owner' && (
                    <button
                      type="button"
                      onClick={() => act(() => api.delete(channelPath(slug, `/roles/${enc(m.handle)}`)))}
                    >
                      {t('studio.members.removeRole')}
                    </button>
                  )}
                  {m.role !== 'owner' && (
                    <>
                      <button
                        type="button"
                        onClick={() => act(() => api.delete(channelPath(slug, `/members/${enc(m.handle)}`)))}
                      >
                        {t('common.remove')}
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => act(() => api.put(channelPath(slug, `/bans/${enc(m.handle)}`), {}))}
                      >
                        {t('studio.bans.ban')}
                      </button>
                    </>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('studio.members.more')}
        </button>
      )}
    </section>
  )
}

export function InvitesPanel({ slug }: { slug: string }) {
  const list = useList<Invite>(channelPath(slug, '/invites'))
  const action = useAction()
  const [maxUses, setMaxUses] = useState('')
  const [days, setDays] = useState('7')
  const [created, setCreated] = useState<Invite | null>(null)

  const create = async (e: Event) => {
    e.preventDefault()
    const body: Record<string, number> = {}
    if (maxUses) body.maxUses = Number(maxUses)
    if (days) body.expiresInSeconds = Math.round(Number(days) * 86_400)
    await action.run(async () => {
      setCreated(await api.post<Invite>(channelPath(slug, '/invites'), body))
      void list.reload()
    })
  }

  return (
    <section class="card" aria-labelledby="invites-title">
      <h2 id="invites-title">{t('studio.invites.title')}</h2>
      <form class="row" onSubmit={create}>
        <label class="inline small">
          {t('studio.invites.maxUses')}
          <input
            type="number"
            min={1}
            max={100000}
            style={{ width: '96px' }}
            value={maxUses}
            onInput={(e) => setMaxUses(e.currentTarget.value)}
          />
        </label>
        <label class="inline small">
          {t('studio.invites.days')}
          <input
            type="number"
            min={1}
            max={365}
            style={{ width: '80px' }}
            value={days}
            onInput={(e) => setDays(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary" disabled={action.busy}>
          {t('studio.previews.create')}
        </button>
      </form>
      {created?.url && (
        <div class="notice" role="status">
          <label for="invite-url">{t('studio.invites.new')}</label>
          <input
            id="invite-url"
            type="text"
            readOnly
            value={created.url}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.url ?? '')}>
            {t('studio.invites.copy')}
          </button>
        </div>
      )}
      <ErrorBox error={action.error ?? list.error} />
      <ul>
        {(list.items ?? []).map((i) => (
          <li key={i.id} class="row small">
            <span class="spacer">
              {t('studio.invites.created', { when: fullTime(i.createdAt) })} ·{' '}
              {t('studio.invites.uses', { uses: i.maxUses ? `${i.uses}/${i.maxUses}` : i.uses })}
              {i.expiresAt ? ` · ${t('studio.invites.expires', { when: fullTime(i.expiresAt) })}` : ''}
              {i.revoked ? ` · ${t('studio.invites.revoked')}` : ''}
            </span>
            {!i.revoked && (
              <button
                type="button"
                onClick={() =>
                  action
                    .run(() => api.delete(channelPath(slug, `/invites/${enc(i.id)}`)))
                    .then(() => list.reload())
                }
              >
                {t('account.tokens.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}

export function RequestsPanel({ slug }: { slug: string }) {
  const list = useList<JoinRequest>(channelPath(slug, '/join-requests'))
  const action = useAction()
  const decide = (handle: string, what: 'approve' | 'reject') =>
    action
      .run(() => api.post(channelPath(slug, `/join-requests/${enc(handle)}/${what}`)))
      .then(() => list.reload())
  return (
    <section class="card" aria-labelledby="requests-title">
      <h2 id="requests-title">{t('studio.requests.title')}</h2>
      <ErrorBox error={action.error ?? list.error} />
      {list.items?.length === 0 && <p class="muted small">{t('studio.requests.none')}</p>}
      <ul>
        {(list.items ?? []).map((r) => (
          <li key={r.handle} class="row">
            <span class="spacer">
              <strong>{r.displayName}</strong> <span class="muted small">@{r.handle}</span>
              {r.message && <span class="small"> — “{r.message}”</span>}
            </span>
            <button type="button" class="primary" onClick={() => decide(r.handle, 'approve')}>
              {t('studio.requests.approve')}
            </button>
            <button type="button" onClick={() => decide(r.handle, 'reject')}>
              {t('studio.requests.reject')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}

export function BansPanel({ slug }: { slug: string }) {
  const list = useList<Ban>(channelPath(slug, '/bans'))
  const action = useAction()
  const [handle, setHandle] = useState('')
  const [reason, setReason] = useState('')
  const ban = async (e: Event) => {
    e.preventDefault()
    const ok = await action.run(() =>
      api.put(channelPath(slug, `/bans/${enc(handle.trim())}`), reason ? { reason } : {}),
    )
    if (ok) {
      setHandle('')
      setReason('')
      void list.reload()
    }
  }
  return (
    <section class="card" aria-labelledby="bans-title">
      <h2 id="bans-title">{t('studio.bans.title')}</h2>
      <form class="row" onSubmit={ban}>
        <input
          type="text"
          aria-label={t('studio.bans.handle')}
          placeholder={t('studio.members.handle')}
          required
          style={{ flex: '1 1 120px', width: 'auto' }}
          value={handle}
          onInput={(e) => setHandle(e.currentTarget.value)}
        />
        <input
          type="text"
          aria-label={t('studio.bans.reason')}
          placeholder={t('studio.bans.reasonPlaceholder')}
          maxLength={500}
          style={{ flex: '2 1 160px', width: 'auto' }}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <button type="submit" class="danger" disabled={action.busy}>
          {t('studio.bans.ban')}
        </button>
      </form>
      <ErrorBox error={action.error ?? list.error} />
      <ul>
        {(list.items ?? []).map((b) => (
          <li key={b.handle} class="row small">
            <span class="spacer">
              <strong>{b.displayName}</strong> @{b.handle} · {t('studio.schedule.by', { handle: b.bannedBy })}{' '}
              · {fullTime(b.createdAt)}
              {b.reason && ` — ${b.reason}`}
            </span>
            <button
              type="button"
              onClick={() =>
                action
                  .run(() => api.delete(channelPath(slug, `/bans/${enc(b.handle)}`)))
                  .then(() => list.reload())
              }
            >
              {t('studio.bans.unban')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
