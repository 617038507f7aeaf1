import { useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { fullTime } from '../app/format.js'
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
      <h2 id="members-title">Members and roles</h2>
      {canRoles && (
        <form class="row" onSubmit={grant}>
          <input
            type="text"
            aria-label="Handle"
            placeholder="handle"
            required
            style={{ flex: '1 1 140px', width: 'auto' }}
            value={handle}
            onInput={(e) => setHandle(e.currentTarget.value)}
          />
          <select
            aria-label="Role"
            style={{ width: 'auto' }}
            value={newRole}
            onChange={(e) => setNewRole(e.currentTarget.value as Role)}
          >
            <option value="creator">Guest creator</option>
            <option value="moderator">Moderator</option>
            {role === 'owner' && <option value="admin">Admin</option>}
          </select>
          <button type="submit" class="primary" disabled={action.busy}>
            Give role
          </button>
        </form>
      )}
      <ErrorBox error={action.error ?? list.error} />
      <table>
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.items ?? []).map((m) => (
            <tr key={m.handle}>
              <td>
                {m.displayName} <span class="muted small">@{m.handle}</span>
              </td>
              <td>{m.role ?? 'fan'}</td>
              <td>
                <div class="row">
                  {canRoles && m.role && m.role !== 'owner' && (
                    <button
                      type="button"
                      onClick={() => act(() => api.delete(channelPath(slug, `/roles/${enc(m.handle)}`)))}
                    >
                      Remove role
                    </button>
                  )}
                  {m.role !== 'owner' && (
                    <>
                      <button
                        type="button"
                        onClick={() => act(() => api.delete(channelPath(slug, `/members/${enc(m.handle)}`)))}
                      >
                        Remove
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => act(() => api.put(channelPath(slug, `/bans/${enc(m.handle)}`), {}))}
                      >
                        Ban
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
          More members
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
      <h2 id="invites-title">Invite links</h2>
      <form class="row" onSubmit={create}>
        <label class="inline small">
          Max uses
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
          Expires in days
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
          Create link
        </button>
      </form>
      {created?.url && (
        <div class="notice" role="status">
          <label for="invite-url">New link (shown once — copy it now)</label>
          <input
            id="invite-url"
            type="text"
            readOnly
            value={created.url}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.url ?? '')}>
            Copy
          </button>
        </div>
      )}
      <ErrorBox error={action.error ?? list.error} />
      <ul>
        {(list.items ?? []).map((i) => (
          <li key={i.id} class="row small">
            <span class="spacer">
              Created {fullTime(i.createdAt)} · {i.uses}
              {i.maxUses ? `/${i.maxUses}` : ''} uses
              {i.expiresAt ? ` · expires ${fullTime(i.expiresAt)}` : ''}
              {i.revoked ? ' · revoked' : ''}
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
                Revoke
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
      <h2 id="requests-title">Join requests</h2>
      <ErrorBox error={action.error ?? list.error} />
      {list.items?.length === 0 && <p class="muted small">No pending requests.</p>}
      <ul>
        {(list.items ?? []).map((r) => (
          <li key={r.handle} class="row">
            <span class="spacer">
              <strong>{r.displayName}</strong> <span class="muted small">@{r.handle}</span>
              {r.message && <span class="small"> — “{r.message}”</span>}
            </span>
            <button type="button" class="primary" onClick={() => decide(r.handle, 'approve')}>
              Approve
            </button>
            <button type="button" onClick={() => decide(r.handle, 'reject')}>
              Reject
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
      <h2 id="bans-title">Bans</h2>
      <form class="row" onSubmit={ban}>
        <input
          type="text"
          aria-label="Handle to ban"
          placeholder="handle"
          required
          style={{ flex: '1 1 120px', width: 'auto' }}
          value={handle}
          onInput={(e) => setHandle(e.currentTarget.value)}
        />
        <input
          type="text"
          aria-label="Reason"
          placeholder="reason (optional)"
          maxLength={500}
          style={{ flex: '2 1 160px', width: 'auto' }}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <button type="submit" class="danger" disabled={action.busy}>
          Ban
        </button>
      </form>
      <ErrorBox error={action.error ?? list.error} />
      <ul>
        {(list.items ?? []).map((b) => (
          <li key={b.handle} class="row small">
            <span class="spacer">
              <strong>{b.displayName}</strong> @{b.handle} · by @{b.bannedBy} · {fullTime(b.createdAt)}
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
              Unban
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
