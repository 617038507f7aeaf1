/** The few parts of `http_ece` (RFC 8188) the push tests use to decrypt what the server sends. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto'

  interface EceParams {
    version: 'aes128gcm'
    privateKey?: ECDH
    /** Base64url string or bytes. */
    authSecret?: string | Buffer
    salt?: string | Buffer
    dh?: string | Buffer
    rs?: number
  }
  function decrypt(buffer: Buffer, params: EceParams): Buffer
  function encrypt(buffer: Buffer, params: EceParams): Buffer
  const ece: { decrypt: typeof decrypt; encrypt: typeof encrypt }
  export default ece
}
