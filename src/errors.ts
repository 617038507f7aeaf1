/**
 * What the domain says when it cannot do what it was asked, in its own words. A refusal has a
 * **kind** (what sort of refusal it is) and a **reason** (the stable machine name clients switch
 * on). Statuses, titles and where a field sits in an HTTP request are the edge's business
 * (src/http/problems.ts and src/http/domain-problem.ts): this file imports nothing from http/.
 */
export type ErrorKind =
  /** The input breaks a rule; `errors` may name each bad field. */
  | 'invalid'
  /** Who is asking is not known, or their credentials are wrong. */
  | 'unauthenticated'
  /** Known, but not allowed to do this. */
  | 'forbidden'
  /** Nothing there, or nothing the asker may see (the two look the same on purpose). */
  | 'not-found'
  /** Not possible in the current state of things (taken, already done, closed…). */
  | 'conflict'
  | 'too-large'
  /** A rate or count limit; `retryAfterSeconds` says when to try again, when it is known. */
  | 'too-many'
  /** The input arrived too slowly and was given up. */
  | 'too-slow'
  /** A kind of input or output this server does not handle. */
  | 'unsupported'
  /** Not now: shutting down, or a part is not ready. */
  | 'unavailable'
  /** The server itself failed. */
  | 'internal'

/**
 * Every reason the domain refuses with, and its kind. The reasons are the API's problem codes, so
 * they never change; a reason cannot be thrown with another kind, because the kind comes from here.
 * Refusals only an HTTP edge can make (a bad route, malformed JSON, a cross-site request…) are not
 * here: they live with the problem catalog in src/http/problems.ts.
 */
export const errorReasons = {
  // requests
  validation: 'invalid',
  'unsupported-media-type': 'unsupported',
  'bad-request': 'invalid',
  // authentication
  unauthenticated: 'unauthenticated',
  'invalid-credentials': 'unauthenticated',
  'login-throttled': 'too-many',
  'rate-limited': 'too-many',
  'insufficient-scope': 'forbidden',
  'registration-closed': 'forbidden',
  'not-server-admin': 'forbidden',
  // accounts
  'handle-taken': 'conflict',
  'password-too-common': 'invalid',
  'account-not-found': 'not-found',
  'token-not-found': 'not-found',
  'session-not-found': 'not-found',
  'account-suspended': 'forbidden',
  'owns-channels': 'conflict',
  // channels
  'channel-not-found': 'not-found',
  'channel-suspended': 'not-found',
  'slug-taken': 'conflict',
  'channel-archived': 'conflict',
  'not-allowed': 'forbidden',
  'not-a-member': 'forbidden',
  'already-member': 'conflict',
  banned: 'forbidden',
  'invite-required': 'forbidden',
  'invite-invalid': 'forbidden',
  'join-request-not-found': 'not-found',
  'role-conflict': 'conflict',
  'owner-cannot-leave': 'conflict',
  'member-not-found': 'not-found',
  'invite-not-found': 'not-found',
  // reports
  'report-not-found': 'not-found',
  'report-resolved': 'conflict',
  // posts
  'post-not-found': 'not-found',
  'idempotency-key-reused': 'invalid',
  'post-not-published': 'conflict',
  'post-already-published': 'conflict',
  'approval-required': 'forbidden',
  'post-not-draft': 'conflict',
  'post-not-in-review': 'conflict',
  'post-in-review': 'conflict',
  // interactions
  'post-not-open': 'conflict',
  'reactions-off': 'conflict',
  'reaction-not-allowed': 'invalid',
  'not-a-poll': 'conflict',
  'poll-closed': 'conflict',
  'invalid-option': 'invalid',
  'vote-locked': 'conflict',
  'not-a-prompt': 'conflict',
  'answer-exists': 'conflict',
  'answer-not-found': 'not-found',
  'answer-hidden': 'conflict',
  // media
  'unsupported-image': 'unsupported',
  'image-too-large-pixels': 'invalid',
  'image-corrupt': 'invalid',
  'media-too-large': 'too-large',
  'unsupported-video-codec': 'unsupported',
  'video-too-long': 'invalid',
  'video-too-large-pixels': 'invalid',
  'video-corrupt': 'invalid',
  'video-processing-failed': 'invalid',
  'media-not-found': 'not-found',
  'empty-file': 'invalid',
  'media-attached': 'conflict',
  'media-not-ready': 'conflict',
  'media-already-used': 'conflict',
  'too-many-uploads': 'too-many',
  'upload-too-slow': 'too-slow',
  'upload-not-found': 'not-found',
  'upload-finished': 'conflict',
  'processing-interrupted': 'internal',
  'caption-invalid': 'invalid',
  'caption-too-large': 'too-large',
  'captions-video-only': 'invalid',
  'captions-full': 'conflict',
  'caption-not-found': 'not-found',
  // production and press
  'production-in-use': 'conflict',
  'preview-not-found': 'not-found',
  'press-kit-not-found': 'not-found',
  'press-kit-empty': 'invalid',
  'digest-not-found': 'not-found',
  'digest-already-posted': 'conflict',
  'oembed-not-found': 'not-found',
  'oembed-format': 'unsupported',
  // push notifications
  'push-endpoint-invalid': 'invalid',
  'push-endpoint-private': 'invalid',
  'push-key-invalid': 'invalid',
  'push-subscription-not-found': 'not-found',
  'export-not-found': 'not-found',
  'export-running': 'conflict',
  // federation (issue 18)
  'instance-blocked': 'forbidden',
  'instance-not-blocked': 'not-found',
  'instance-domain-invalid': 'invalid',
  'inbox-too-large': 'too-large',
  // server
  internal: 'internal',
  unavailable: 'unavailable',
} as const satisfies Record<string, ErrorKind>

export type ErrorReason = keyof typeof errorReasons

/**
 * One bad field of the input: its JSON pointer (e.g. /title, /media/0/id; '' for the input as a
 * whole) and what is wrong with it. Which part of a request holds the field is decided at the edge.
 */
export interface FieldError {
  field: string
  message: string
}

/** What a refusal may carry besides its detail; rendered as members of the problem. */
export interface ErrorExtra {
  /** For `invalid`: each bad field. */
  errors?: FieldError[]
  /** For `too-many`: when to try again. */
  retryAfterSeconds?: number
  [member: string]: unknown
}

/** What services throw when a request cannot be honoured. The edge renders it; services never build responses. */
export class DomainError extends Error {
  override name = 'DomainError'
  readonly kind: ErrorKind
  constructor(
    readonly reason: ErrorReason,
    readonly detail: string,
    readonly extra: ErrorExtra = {},
  ) {
    super(detail)
    this.kind = errorReasons[reason]
  }
}

export function fail(reason: ErrorReason, detail: string, extra?: ErrorExtra): never {
  throw new DomainError(reason, detail, extra)
}
