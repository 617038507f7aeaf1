import { createCipheriv, createECDH, createHmac, type ECDH, randomFillSync } from 'node:crypto'

/**
 * Web Push message encryption, RFC 8291 over the aes128gcm content coding of RFC 8188, with
 * node:crypto only.
 *
 * Why not `web-push`'s encryption: it creates the ephemeral ECDH key and the salt inside the call,
 * so it cannot be checked against the RFC 8291 appendix A example (which fixes both); a message
 * that encrypts to the RFC's exact bytes is the one proof that browsers will decrypt ours. This is
 * ~40 lines, and `web-push` still does VAPID (vapid.ts). Tests decrypt our output with the
 * independent `http_ece` package as well.
 */

/** Record size written in the header; a push message is a single record. */
const RECORD_SIZE = 4096
const HEADER_BYTES = 16 + 4 + 1 + 65
const TAG_BYTES = 16
/** Push services accept 4096 bytes of body (RFC 8030 §7.2): header + padding delimiter + tag. */
export const MAX_PLAINTEXT_BYTES = 4096 - HEADER_BYTES - 1 - TAG_BYTES

/** Bytes of the body encryptPushPayload makes of `plaintextBytes` (65-byte keys, no padding). */
export function encryptedLength(plaintextBytes: number): number {
  return HEADER_BYTES + plaintextBytes + 1 + TAG_BYTES
}

export interface EncryptOptions {
  /** Fixed 16-byte salt (tests); a fresh random salt otherwise. */
  salt?: Buffer
  /** Fixed sender (application server) private key (tests); a fresh key pair otherwise. */
  senderPrivateKey?: Buffer
}

/**
 * Encrypts `plaintext` for a browser subscription: `uaPublicKey` is its p256dh (65 bytes) and
 * `authSecret` its auth (16 bytes). Returns the request body (header + one record). A fresh ECDH
 * key pair and salt per message, so no two messages share a content key.
 */
export function encryptPushPayload(
  plaintext: Buffer,
  uaPublicKey: Buffer,
  authSecret: Buffer,
  options: EncryptOptions = {},
): Buffer {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new RangeError(`push payload is ${plaintext.length} bytes; at most ${MAX_PLAINTEXT_BYTES} fit`)
  }
  const { sender, senderPublic } = senderKeys(options.senderPrivateKey)
  const salt = options.salt ?? freshSalt()
  const ecdhSecret = sender.computeSecret(uaPublicKey)

  // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" 0x00 ua_public as_public, 32)
  const ikm = hmac(hmac(authSecret, ecdhSecret), keyInfo(uaPublicKey, senderPublic))
  // RFC 8188 §2.2 and §2.3: content-encryption key and nonce from the salt (one record: SEQ = 0).
  const prk = hmac(salt, ikm)
  const cek = hmac(prk, CEK_INFO).subarray(0, 16)
  const nonce = hmac(prk, NONCE_INFO).subarray(0, 12)

  // The body: header (salt, record size, key id = as_public), then the one record — ciphertext of
  // the plaintext and its 0x02 padding delimiter (last record, no padding), then the GCM tag.
  const body = Buffer.allocUnsafe(HEADER_BYTES + plaintext.length + 1 + TAG_BYTES)
  salt.copy(body, 0)
  body.writeUInt32BE(RECORD_SIZE, 16)
  body.writeUInt8(senderPublic.length, 20)
  senderPublic.copy(body, 21)
  const cipher = createCipheriv('aes-128-gcm', cek, nonce)
  let at = HEADER_BYTES + cipher.update(plaintext).copy(body, HEADER_BYTES)
  at += cipher.update(LAST_RECORD).copy(body, at)
  at += cipher.final().copy(body, at)
  cipher.getAuthTag().copy(body, at)
  return body
}

/**
 * Salts come from a pool refilled from the CSPRNG 256 at a time: one randomFillSync call costs as
 * much as a few HMACs. Each salt is used once and copied into the message before the pool moves on.
 */
const saltPool = Buffer.allocUnsafe(16 * 256)
let saltOffset = saltPool.length

function freshSalt(): Buffer {
  if (saltOffset === saltPool.length) {
    randomFillSync(saltPool)
    saltOffset = 0
  }
  saltOffset += 16
  return saltPool.subarray(saltOffset - 16, saltOffset)
}

/** "WebPush: info" 0x00 ua_public as_public 0x01 in a reused buffer (read at once by hmac()). */
const keyInfoBuffer = Buffer.alloc(14 + 65 + 65 + 1)
keyInfoBuffer.write('WebPush: info\0', 'latin1')
keyInfoBuffer[keyInfoBuffer.length - 1] = 1

function keyInfo(uaPublicKey: Buffer, senderPublic: Buffer): Buffer {
  if (uaPublicKey.length !== 65 || senderPublic.length !== 65) {
    return Buffer.concat([WEBPUSH_INFO, uaPublicKey, senderPublic, ONE])
  }
  uaPublicKey.copy(keyInfoBuffer, 14)
  senderPublic.copy(keyInfoBuffer, 79)
  return keyInfoBuffer
}

// HKDF (RFC 5869) by hand: every output here is at most one SHA-256 block, so extract is one HMAC
// and expand is one HMAC over `info || 0x01`. Five HMACs cost a fifth of three hkdfSync calls,
// which build key objects each time — this is the hot path of a large fan-out.
const ONE = Buffer.from([1])
const WEBPUSH_INFO = Buffer.from('WebPush: info\0')
const CEK_INFO = Buffer.from('Content-Encoding: aes128gcm\0\x01')
const NONCE_INFO = Buffer.from('Content-Encoding: nonce\0\x01')
const LAST_RECORD = Buffer.from([2])

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

/**
 * A fresh key pair per message. One ECDH object is reused — generateKeys() replaces its pair and
 * returns the new public key — because constructing it costs as much as generating the keys.
 *
 * ECDH is most of a message's cost: generateKeys ~17 µs, computeSecret ~85 µs (bench:push host),
 * about half of which is Node checking the fresh key pair (EC_KEY_check_key) before deriving. The
 * alternatives measured worse: crypto.diffieHellman() with KeyObjects validates the peer key
 * instead (same cost) and importing each p256dh as a KeyObject costs ~120 µs more; WebCrypto's
 * deriveBits skips the check but is asynchronous and cost ~440 µs of CPU per message in all.
 */
const reusable = createECDH('prime256v1')

function senderKeys(privateKey: Buffer | undefined): { sender: ECDH; senderPublic: Buffer } {
  if (!privateKey) return { sender: reusable, senderPublic: reusable.generateKeys() }
  const fixed = createECDH('prime256v1')
  fixed.setPrivateKey(privateKey)
  return { sender: fixed, senderPublic: fixed.getPublicKey() }
}
