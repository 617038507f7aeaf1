import type { ErrorKind, ErrorReason, errorReasons } from '../errors.js'

/**
 * The one catalog of RFC 9457 problem types. `type` URIs are stable: clients may switch on them.
 * docs/problems.md is generated from this table (`backlot problems-doc`). It holds a problem for
 * every reason the domain refuses with (src/errors.ts), with a status that fits the reason's kind,
 * and the problems only an HTTP edge or a live stream can answer with.
 */
export interface ProblemSpec {
  status: number
  title: string
}

/** The statuses a problem may have for each kind of domain error. */
export const kindStatuses = {
  invalid: [400, 422],
  unauthenticated: [401],
  forbidden: [403],
  'not-found': [404],
  conflict: [409],
  'too-large': [413],
  'too-many': [429],
  'too-slow': [408],
  unsupported: [415, 501],
  unavailable: [503],
  internal: [500],
} as const satisfies Record<ErrorKind, readonly number[]>

/** A catalog entry per domain reason, with a status its kind allows (checked by the compiler). */
type DomainProblems = {
  [R in ErrorReason]: { status: (typeof kindStatuses)[(typeof errorReasons)[R]][number]; title: string }
}

export const problemCatalog = {
  // request shape
  validation: { status: 422, title: 'The request has invalid fields' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'body-too-large': { status: 413, title: 'The request body is too large' },
  'request-timeout': { status: 408, title: 'The request did not arrive in time' },
  'unsupported-media-type': { status: 415, title: 'The request body has an unsupported content type' },
  'bad-request': { status: 400, title: 'The request cannot be understood' },
  'route-not-found': { status: 404, title: 'No such endpoint' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  // authentication
  unauthenticated: { status: 401, title: 'Authentication required' },
  'invalid-credentials': { status: 401, title: 'Wrong handle or password' },
  'login-throttled': { status: 429, title: 'Too many failed logins' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'insufficient-scope': { status: 403, title: 'The API token lacks the scope this needs' },
  'csrf-rejected': { status: 403, title: 'Cross-site request refused' },
  'registration-closed': { status: 403, title: 'Registration is closed on this server' },
  'not-server-admin': { status: 403, title: 'Only server administrators can do this' },
  // accounts
  'handle-taken': { status: 409, title: 'That handle is already taken' },
  'password-too-common': { status: 422, title: 'The password is on lists of leaked passwords' },
  'account-not-found': { status: 404, title: 'No such account' },
  'token-not-found': { status: 404, title: 'No such API token' },
  'session-not-found': { status: 404, title: 'No such session' },
  'account-suspended': { status: 403, title: 'This account is suspended' },
  'owns-channels': { status: 409, title: 'Transfer or delete your channels first' },
  // channels
  'channel-not-found': { status: 404, title: 'No such channel' },
  'channel-suspended': { status: 404, title: "The channel is suspended by the server's operators" },
  'slug-taken': { status: 409, title: 'That channel address is already taken' },
  'channel-archived': { status: 409, title: 'The channel is archived' },
  'not-allowed': { status: 403, title: 'Your role in this channel does not allow this' },
  'not-a-member': { status: 403, title: 'Only members of this channel can do this' },
  'already-member': { status: 409, title: 'Already a member of this channel' },
  banned: { status: 403, title: 'You are banned from this channel' },
  'invite-required': { status: 403, title: 'This channel needs an invite link to join' },
  'invite-invalid': { status: 403, title: 'The invite link is invalid, expired or used up' },
  'join-request-not-found': { status: 404, title: 'No pending join request' },
  'role-conflict': { status: 409, title: 'That role change is not possible' },
  'owner-cannot-leave': { status: 409, title: 'The owner cannot leave; transfer ownership first' },
  'member-not-found': { status: 404, title: 'That account is not a member of this channel' },
  'invite-not-found': { status: 404, title: 'No such invite' },
  // reports
  'report-not-found': { status: 404, title: 'No such report case' },
  'report-resolved': { status: 409, title: 'The report case is already resolved' },
  // posts
  'post-not-found': { status: 404, title: 'No such post' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used for a different request' },
  'post-not-published': { status: 409, title: 'Only a published post can be pinned' },
  'post-already-published': { status: 409, title: 'The post is already published' },
  'approval-required': {
    status: 403,
    title: "This channel needs an owner's or admin's approval before a creator's post goes out",
  },
  'post-not-draft': { status: 409, title: 'Only a draft can be submitted for review' },
  'post-not-in-review': { status: 409, title: 'The post is not waiting for review' },
  'post-in-review': { status: 409, title: 'The post is waiting for review' },
  // interactions (reactions, polls, prompts, views)
  'post-not-open': { status: 409, title: 'Only a published post takes reactions, votes and answers' },
  'reactions-off': { status: 409, title: 'Reactions are turned off in this channel' },
  'reaction-not-allowed': { status: 422, title: "That reaction is not in the channel's reaction set" },
  'not-a-poll': { status: 409, title: 'The post is not a poll' },
  'poll-closed': { status: 409, title: 'The poll is closed' },
  'invalid-option': { status: 422, title: 'The ballot does not fit the poll' },
  'vote-locked': { status: 409, title: 'A quiz answer cannot be changed or withdrawn' },
  'not-a-prompt': { status: 409, title: 'The post does not ask fans a question' },
  'answer-exists': { status: 409, title: 'You have already answered this prompt' },
  'answer-not-found': { status: 404, title: 'No such answer' },
  'answer-hidden': { status: 409, title: 'A hidden answer cannot be highlighted' },
  // media
  'unsupported-image': { status: 415, title: 'The file is not an image type this server accepts' },
  'image-too-large-pixels': { status: 422, title: 'The image has more pixels than allowed' },
  'image-corrupt': { status: 422, title: 'The image is truncated or corrupt' },
  'media-too-large': { status: 413, title: 'The file is larger than allowed' },
  'unsupported-video-codec': {
    status: 415,
    title: 'The video or audio codec is not one this server accepts',
  },
  'video-too-long': { status: 422, title: 'The video or voice note is longer than allowed' },
  'video-too-large-pixels': { status: 422, title: 'The video has more pixels than allowed' },
  'video-corrupt': { status: 422, title: 'The video or audio file is truncated or corrupt' },
  'video-processing-failed': {
    status: 422,
    title: 'The video or audio could not be transcoded within the limits',
  },
  'media-not-found': { status: 404, title: 'No such media' },
  'empty-file': { status: 422, title: 'The uploaded file is empty' },
  'media-attached': { status: 409, title: 'The media belongs to a post or a channel avatar' },
  'media-not-ready': { status: 409, title: 'The media is still processing, or its processing failed' },
  'media-already-used': { status: 409, title: 'The media is already part of a post or a channel avatar' },
  'too-many-uploads': { status: 429, title: 'This account has as many uploads in progress as it may' },
  'upload-too-slow': { status: 408, title: 'The upload arrived too slowly and was cut off' },
  'upload-not-found': { status: 404, title: 'No such resumable upload, or it expired' },
  'upload-finished': { status: 409, title: 'The resumable upload has received all its bytes' },
  'processing-interrupted': {
    status: 500,
    title: 'Processing was interrupted by a server restart; upload the file again',
  },
  'caption-invalid': { status: 422, title: 'The caption file is not valid WebVTT' },
  'caption-too-large': { status: 413, title: 'The caption file is larger than allowed' },
  'captions-video-only': { status: 422, title: 'Only a video can have caption tracks' },
  'captions-full': { status: 409, title: 'The video has as many caption tracks as it may' },
  'caption-not-found': { status: 404, title: 'The video has no caption track in this language' },
  // production and press
  'production-in-use': { status: 409, title: 'Posts are tagged with what this change would remove' },
  'preview-not-found': { status: 404, title: 'The preview link is invalid, expired or revoked' },
  'press-kit-not-found': { status: 404, title: 'The press kit link is invalid, expired or revoked' },
  'press-kit-empty': { status: 422, title: 'The post has no images a press kit could carry' },
  'digest-not-found': { status: 404, title: 'No such digest' },
  'digest-already-posted': { status: 409, title: 'The digest is already posted to the channel' },
  'oembed-not-found': { status: 404, title: 'No embeddable post at that URL' },
  'oembed-format': { status: 501, title: 'Only the JSON oEmbed format is offered' },
  // push notifications
  'push-endpoint-invalid': {
    status: 422,
    title: 'The push endpoint is not an https URL of a reachable push service',
  },
  'push-endpoint-private': {
    status: 422,
    title: 'The push endpoint points at a private, loopback or link-local address',
  },
  'push-key-invalid': { status: 422, title: 'The push subscription keys are not valid' },
  'push-subscription-not-found': { status: 404, title: 'No such push subscription' },
  // exports
  'export-not-found': { status: 404, title: 'No such export, or it has expired' },
  'export-running': { status: 409, title: 'An export of yours is still being made' },
  // federation (issue 18)
  'instance-blocked': { status: 403, title: 'This server does not federate with that instance' },
  'instance-not-blocked': { status: 404, title: 'That instance is not on the block list' },
  'instance-domain-invalid': { status: 422, title: 'Not a domain name' },
  'inbox-too-large': { status: 413, title: 'The activity is larger than this inbox accepts' },
  // live stream (docs/protocol.md)
  'upgrade-required': { status: 426, title: 'This endpoint needs a WebSocket connection' },
  'stream-bad-message': { status: 400, title: 'The stream message is not understood' },
  'already-subscribed': { status: 409, title: 'This stream already follows that channel' },
  'too-many-subscriptions': { status: 400, title: 'This stream follows too many channels' },
  'invalid-stream-position': { status: 400, title: 'The stream position is not valid' },
  'too-many-streams': { status: 429, title: 'Too many live streams from this address' },
  'streams-busy': {
    status: 503,
    title: 'Too many live streams are opening at once; retry after Retry-After',
  },
  // server
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'The server is shutting down or not ready' },
} as const satisfies DomainProblems & Record<string, ProblemSpec>

export type ProblemCode = keyof typeof problemCatalog

/** Problems no domain code refuses with: the edge's own (a bad route, malformed JSON, csrf…) and the stream's. */
export type EdgeProblemCode = Exclude<ProblemCode, ErrorReason>

/** One bad field in a problem: the part of the request that holds it, its JSON pointer there, what is wrong. */
export interface ProblemFieldError {
  /** body, querystring, params or headers (the names Fastify's validation uses). */
  in: string
  field: string
  message: string
}

/** Stable URI of a problem type; the fragment is the anchor in docs/problems.md. */
export function problemType(code: ProblemCode): string {
  return `https://backlot.dev/problems#${code}`
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: ProblemCode
  instance?: string
  errors?: ProblemFieldError[]
  [extra: string]: unknown
}

export function buildProblem(
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  const spec: ProblemSpec = problemCatalog[code]
  return { type: problemType(code), title: spec.title, status: spec.status, detail, code, ...extra }
}

export function problemsDocTable(): string {
  const rows = Object.entries(problemCatalog).map(
    ([code, spec]) => `| <a id="${code}"></a>\`${code}\` | ${spec.status} | ${spec.title} |`,
  )
  return [
    '| Code (`type` = https://backlot.dev/problems#code) | Status | Title |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n')
}
