import { DEFAULT_LANGUAGE, isLanguage, translator } from '../i18n/index.js'
import type { PushJobDeps } from './jobs.js'
import { excerpt } from './payload.js'
import type { Device, PushMessage } from './sender.js'
import { deleteSubscriptions } from './store.js'

export const NOTICE_QUEUE = 'push-notice'

/**
 * A notice for one account's devices (issue 17: the outcome of a report), as opposed to the
 * fan-out of a post. `key` names a string under `notices` in locales/<language>/push.json;
 * `values` fill it. Small by design: one account has at most 20 devices, so one job sends them all.
 */
export interface AccountNotice {
  accountId: string
  key: string
  /** Fills the message; `item` (post, image, answer, channel) is itself translated (`notices.item_<item>`). */
  values: Record<string, string>
  /** The app page the notification opens (a path of this server). */
  path: string
  /** Same tag: a later notice about the same thing replaces the shown one. */
  tag: string
}

/** The account's devices with the language each notification is written in (the person's, else the browser's). */
async function devicesOf(deps: PushJobDeps, accountId: string) {
  return deps.db
    .selectFrom('push_subscription as s')
    .innerJoin('account as a', 'a.id', 's.account_id')
    .select(['s.id', 's.endpoint', 's.p256dh', 's.auth'])
    .select((eb) => eb.fn.coalesce('a.language', 's.language').as('language'))
    .where('s.account_id', '=', accountId)
    .execute()
}

/**
 * Sends the notice to each of the account's devices in its language. One attempt per device: a
 * notice is also in the account's in-app list, so a device that misses it loses nothing for good;
 * devices the push service says are gone are forgotten, as after a post.
 */
export async function sendAccountNotice(deps: PushJobDeps, notice: AccountNotice): Promise<void> {
  const devices = await devicesOf(deps, notice.accountId)
  const base = deps.publicUrl().href.replace(/\/+$/, '')
  const gone: string[] = []
  for (const device of devices) {
    const language = isLanguage(device.language) ? device.language : DEFAULT_LANGUAGE
    const tr = (key: string, values?: Record<string, string>) =>
      translator().t(language, `push:notices.${key}`, values)
    const values = { ...notice.values }
    if (values.item) values.item = tr(`item_${values.item}`)
    const t = (key: string) => tr(key, values)
    const payload = {
      title: excerpt(t('title'), 80),
      body: excerpt(t(notice.key)),
      url: `${base}${notice.path}`,
      tag: notice.tag,
      timestamp: deps.clock.now(),
    }
    const message: PushMessage = {
      payload: Buffer.from(JSON.stringify(payload)),
      ttlSeconds: deps.config.ttlSeconds,
      urgency: 'normal',
      topic: notice.tag.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32),
    }
    const target: Device = device
    const [body] = await deps.sender.encrypt([target], message)
    const outcome = await deps.sender.send(target, message, body!)
    if (outcome.kind === 'gone') gone.push(device.id)
    else if (outcome.kind !== 'sent') deps.logger.info({ device: device.id, outcome }, 'notice not delivered')
  }
  if (gone.length > 0)
    deps.metrics.pushSubscriptionsRemoved.inc({ reason: 'gone' }, await deleteSubscriptions(deps.db, gone))
}
