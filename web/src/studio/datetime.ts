import { locale, t } from '../app/i18n.js'

/**
 * The schedule picker works in the creator's own time zone (a `datetime-local` field holds local
 * wall time) and shows the same instant in UTC beside it, so a press embargo given in UTC can be
 * checked at a glance.
 */

const pad = (n: number) => String(n).padStart(2, '0')

/** The `datetime-local` value ("YYYY-MM-DDTHH:mm", local time) of an instant. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The instant a `datetime-local` value means in this browser's time zone; null when incomplete. */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number]
  const ms = new Date(y, mo - 1, d, h, mi).getTime()
  return Number.isNaN(ms) ? null : ms
}

/** "2026-12-07 14:00 UTC". */
export function utcLabel(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** The browser's IANA time zone ("Europe/Paris"), or "your time zone" when unknown. */
export function zoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || t('studio.when.yourZone')
  } catch {
    return t('studio.when.yourZone')
  }
}

/** "Mon 7 Dec 2026, 15:00" in the browser's time zone and language. */
export function localLabel(ms: number): string {
  return new Date(ms).toLocaleString(locale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
}

/** A sensible default for a new schedule: the next full hour at least 30 minutes away. */
export function defaultScheduleInput(now = Date.now()): string {
  const d = new Date(now + 30 * 60_000)
  d.setMinutes(0, 0, 0)
  d.setHours(d.getHours() + 1)
  return toLocalInput(d.getTime())
}
