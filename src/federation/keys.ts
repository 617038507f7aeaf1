import './node20.js'
import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify'
import type { Db } from '../db/database.js'
import type { Clock } from '../util/clock.js'
import { channelKeys, insertKeyIfAbsent } from './store.js'

type KeyPair = Awaited<ReturnType<typeof generateCryptoKeyPair>>

const ALGORITHMS = [
  // draft-cavage HTTP signatures, which Mastodon sends and expects (publicKey).
  { name: 'rsa', generate: 'RSASSA-PKCS1-v1_5' },
  // FEP-8b32 object integrity proofs and RFC 9421 (assertionMethod, Multikey).
  { name: 'ed25519', generate: 'Ed25519' },
] as const

/**
 * A channel's key pairs, RSA first (Fedify signs with the first RSA key for draft-cavage), made on
 * first use and stored (migration 0027): the same keys on every node and across restarts. Only the
 * public halves ever leave through the actor document.
 */
export async function channelKeyPairs(db: Db, clock: Clock, channelId: string): Promise<KeyPair[]> {
  let rows = await channelKeys(db, channelId)
  if (rows.length < ALGORITHMS.length) {
    for (const algorithm of ALGORITHMS) {
      if (rows.some((r) => r.algorithm === algorithm.name)) continue
      const pair = await generateCryptoKeyPair(algorithm.generate)
      await insertKeyIfAbsent(db, {
        channel_id: channelId,
        algorithm: algorithm.name,
        public_jwk: JSON.stringify(await exportJwk(pair.publicKey)),
        private_jwk: JSON.stringify(await exportJwk(pair.privateKey)),
        created_at: clock.now(),
      })
    }
    rows = await channelKeys(db, channelId)
  }
  const ordered = ALGORITHMS.map((a) => rows.find((r) => r.algorithm === a.name)!)
  return Promise.all(
    ordered.map(async (row) => ({
      publicKey: await importJwk(JSON.parse(row.public_jwk), 'public'),
      privateKey: await importJwk(JSON.parse(row.private_jwk), 'private'),
    })),
  )
}
