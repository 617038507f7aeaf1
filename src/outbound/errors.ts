/**
 * Why an outbound request failed. Callers switch on `code`; none of these reach a client of
 * Backlot as a problem type — a link preview that fails is simply absent, a federation delivery is
 * retried or given up.
 */
export type OutboundErrorCode =
  /** Not an absolute URL. */
  | 'url-invalid'
  /** A scheme other than https (http only when BACKLOT_OUTBOUND_ALLOW_HTTP is true). */
  | 'scheme-refused'
  /** A user name or password in the URL. */
  | 'userinfo-refused'
  /** The host is, or resolves only to, a loopback, private, link-local… address. */
  | 'address-refused'
  /** More redirects than the client follows (5). */
  | 'too-many-redirects'
  /** A redirect without a usable Location. */
  | 'redirect-invalid'
  /** The decompressed body grew past its cap. */
  | 'body-too-large'
  /** The response head was larger than the header cap. */
  | 'headers-too-large'
  /** A Content-Encoding the client does not decode. */
  | 'encoding-unsupported'
  /** No connection within the connect timeout. */
  | 'connect-timeout'
  /** The whole exchange (redirects and body) took longer than the total timeout. */
  | 'timeout'
  /** Anything else on the wire: refused, reset, TLS, bad HTTP. */
  | 'network'

export class OutboundError extends Error {
  override name = 'OutboundError'
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
