import webPush from 'web-push'
import type { PushConfig } from '../config/config.js'
import type { Db } from '../db/database.js'
import type { Clock } from '../util/clock.js'

/**
 * VAPID (RFC 8292): the key pair that identifies this server to push services, and the signed
 * token sent with every message. Browsers subscribe with the public key, so it must stay the same
 * across restarts and on every node: it comes from configuration or is generated once and kept in
 * the `meta` table (the first node to store it wins; the others read it back).
 */
export interface VapidKeys {
  publicKey: string
  privateKey: string
}

const META_KEY = 'push_vapid_keys'

export async function loadVapidKeys(db: Db, config: PushConfig): Promise<VapidKeys> {
  if (config.vapidPublicKey && config.vapidPrivateKey) {
    return { publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey }
  }
  const stored = await readStoredKeys(db)
  if (stored) return stored
  const generated = webPush.generateVAPIDKeys()
  await db
    .insertInto('meta')
    .values({ key: META_KEY, value: JSON.stringify(generated) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  return (await readStoredKeys(db))!
}

async function readStoredKeys(db: Db): Promise<VapidKeys | null> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', META_KEY).executeTakeFirst()
  return row ? (JSON.parse(row.value) as VapidKeys) : null
}

/** Tokens live 12 h (RFC 8292 allows at most 24) and are renewed when less than 1 h is left. */
const TOKEN_LIFETIME_S = 12 * 3600
const RENEW_BEFORE_S = 3600

/**
 * Authorization headers per push service origin, signed once and reused until close to expiry:
 * signing per message would cost as much as encrypting it.
 */
export interface VapidSigner {
  /** The application server key (base64url). */
  readonly publicKey: string
  /** `vapid t=<JWT>, k=<public key>` for a message to `endpoint` (audience = its origin). */
  authorization(endpoint: URL): string
}

export function createVapidSigner(keys: VapidKeys, subject: string, clock: Clock): VapidSigner {
  const cache = new Map<string, { header: string; expiresAt: number }>()
  return {
    publicKey: keys.publicKey,
    authorization(endpoint: URL): string {
      const audience = endpoint.origin
      const nowS = Math.floor(clock.now() / 1000)
      const cached = cache.get(audience)
      if (cached && cached.expiresAt - nowS > RENEW_BEFORE_S) return cached.header
      const expiresAt = nowS + TOKEN_LIFETIME_S
      const { Authorization } = webPush.getVapidHeaders(
        audience,
        subject,
        keys.publicKey,
        keys.privateKey,
        'aes128gcm',
        expiresAt,
      )
      // A few push services in practice; the cap only bounds endpoints registered on odd hosts.
      if (cache.size >= 1000) cache.clear()
      cache.set(audience, { header: Authorization, expiresAt })
      return Authorization
    },
  }
}
