import { type Static, Type } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { type ProblemCode, problemCatalog } from '../http/problems.js'

/**
 * The live-stream wire protocol (docs/protocol.md is the reader's version of this file): what a
 * client may send, every frame the server sends, and the close codes. Every server frame is a JSON
 * object whose first key is `type`, so a client (or the fan-out benchmark) can switch on a prefix.
 */

/** A point in a channel's history: the epoch names the history, `seq` the last event seen in it. */
export interface Position {
  epoch: string
  seq: number
  /**
   * The id of the event at `seq`, when the client has it. On resume it is checked against the
   * event log: a different event there means the history was replaced without the epoch changing
   * (a restore no marker could see), and the client gets `reset` (`history-changed`).
   */
  id?: string
}

// ---- client → server ----------------------------------------------------------------------------

const PositionSchema = Type.Object(
  {
    epoch: Type.String({ minLength: 1, maxLength: 64 }),
    seq: Type.Integer({ minimum: 0 }),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
)
// No U+0000: PostgreSQL cannot compare text holding it (issue 14 item 7; src/http/text-input.ts).
const ChannelSlug = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000]+$' })

export const SubscribeOp = Type.Object(
  { op: Type.Literal('subscribe'), channel: ChannelSlug, since: Type.Optional(PositionSchema) },
  { additionalProperties: false },
)
export const UnsubscribeOp = Type.Object(
  { op: Type.Literal('unsubscribe'), channel: ChannelSlug },
  { additionalProperties: false },
)
export type SubscribeOp = Static<typeof SubscribeOp>
export type UnsubscribeOp = Static<typeof UnsubscribeOp>
export type ClientOp = SubscribeOp | UnsubscribeOp

const checkSubscribe = TypeCompiler.Compile(SubscribeOp)
const checkUnsubscribe = TypeCompiler.Compile(UnsubscribeOp)

export type ParsedOp = { ok: true; op: ClientOp } | { ok: false; detail: string; channel?: string }

/** Parses one client text message. Never throws: a bad message becomes an `error` frame, not a close. */
export function parseClientOp(text: string): ParsedOp {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, detail: 'The message is not JSON.' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, detail: 'The message must be a JSON object with an "op" field.' }
  }
  const record = value as Record<string, unknown>
  const channel = typeof record.channel === 'string' ? record.channel.slice(0, 100) : undefined
  if (record.op === 'subscribe') {
    if (checkSubscribe.Check(value)) return { ok: true, op: value }
    return { ok: false, detail: describe(checkSubscribe.Errors(value).First()), channel }
  }
  if (record.op === 'unsubscribe') {
    if (checkUnsubscribe.Check(value)) return { ok: true, op: value }
    return { ok: false, detail: describe(checkUnsubscribe.Errors(value).First()), channel }
  }
  return { ok: false, detail: 'Unknown "op": use "subscribe" or "unsubscribe".', channel }
}

function describe(error: { path: string; message: string } | undefined): string {
  if (!error) return 'The message does not match the op.'
  return `${error.path || 'message'}: ${error.message}.`
}

// ---- limits ---------------------------------------------------------------------------------------

export const streamLimits = {
  /** Channels one WebSocket may follow at once (pending subscriptions included). */
  subscriptionsPerSocket: 100,
  /** Client messages above this size close the socket with 1009 (enforced by `ws`, set in http/app.ts). */
  maxMessageBytes: 64 * 1024,
  /** Messages a socket may send per window; past it each extra message gets an `error` frame. */
  messagesPerWindow: 300,
  /** Bad messages a socket may send per window before it is closed with 4400 (a flood of garbage). */
  badMessagesPerWindow: 20,
  windowMs: 10_000,
  /** After a close frame is queued, a peer that does not complete the handshake is cut off. */
  closeGraceMs: 5_000,
} as const

// ---- server → client ------------------------------------------------------------------------------

export type ResetReason = 'gap-too-large' | 'epoch-changed' | 'future-position' | 'history-changed'
export type UnsubscribeReason =
  | 'banned'
  | 'left'
  | 'removed'
  | 'channel-deleted'
  | 'channel-private'
  | 'channel-suspended'
  | 'requested'

/** A server frame other than `event` (events are encoded once by src/event-log/frames.ts). */
export interface ControlFrame {
  /** `counts` is the interactions area's live-counts frame (src/interactions/live-counts.ts). */
  type: 'subscribed' | 'reset' | 'unsubscribed' | 'error' | 'heartbeat' | 'counts'
  json: string
  /** SSE only: the `id:` line, so EventSource resumes from here after a reset or a quiet start. */
  sseId?: string
}

/** The SSE `id:` of a position: `<epoch>:<seq>`, with `:<event id>` when the event is known. */
export function positionId(position: Position): string {
  const base = `${position.epoch}:${position.seq}`
  return position.id === undefined ? base : `${base}:${position.id}`
}

/** Live delivery for `channel` starts after `position`: everything up to it was replayed (or reset). */
export function subscribedFrame(channel: string, position: Position): ControlFrame {
  return {
    type: 'subscribed',
    json: `{"type":"subscribed","channel":${JSON.stringify(channel)},"position":${positionJson(position)}}`,
    sseId: positionId(position),
  }
}

/** The client's state of `channel` cannot be caught up: reload it; live events follow `position`. */
export function resetFrame(channel: string, reason: ResetReason, position: Position): ControlFrame {
  return {
    type: 'reset',
    json: `{"type":"reset","channel":${JSON.stringify(channel)},"reason":"${reason}","position":${positionJson(position)}}`,
    sseId: positionId(position),
  }
}

export function unsubscribedFrame(channel: string, reason: UnsubscribeReason): ControlFrame {
  return {
    type: 'unsubscribed',
    json: `{"type":"unsubscribed","channel":${JSON.stringify(channel)},"reason":"${reason}"}`,
  }
}

/** Problem-like error about one message or one channel; the socket stays open. */
export function errorFrame(code: ProblemCode, detail: string, channel?: string): ControlFrame {
  const spec = problemCatalog[code]
  const body: Record<string, unknown> = {
    type: 'error',
    code,
    status: spec.status,
    title: spec.title,
    detail,
  }
  if (channel !== undefined) body.channel = channel
  return { type: 'error', json: JSON.stringify(body) }
}

export const heartbeatJson = '{"type":"heartbeat"}'

function positionJson(p: Position): string {
  const id = p.id === undefined ? '' : `,"id":${JSON.stringify(p.id)}`
  return `{"epoch":${JSON.stringify(p.epoch)},"seq":${p.seq}${id}}`
}

// ---- close codes ----------------------------------------------------------------------------------

export interface CloseCode {
  code: number
  reason: string
  /** True: reconnect (with backoff) and resubscribe with the last positions. False: do not retry. */
  reconnect: boolean
}

/**
 * WebSocket close codes (STYLE rule 9). 4000–4099: the client should reconnect and resume with its
 * last positions. 4400–4499: terminal, reconnecting unchanged will fail the same way. 1000/1001 and
 * the other RFC 6455 codes keep their usual meaning (1009: message over 64 KB).
 */
export const closeCodes = {
  normal: { code: 1000, reason: 'bye', reconnect: false },
  goingAway: { code: 1001, reason: 'going away', reconnect: true },
  serverError: { code: 4000, reason: 'server error, reconnect', reconnect: true },
  restarting: { code: 4001, reason: 'server restarting, reconnect', reconnect: true },
  tooSlow: { code: 4008, reason: 'too slow', reconnect: true },
  /** BACKLOT_MAX_STREAMS_PER_ADDRESS: sent right after the handshake, so browsers see why (a refused handshake shows as 1006). */
  tooManyStreams: { code: 4029, reason: 'too many streams from this address', reconnect: true },
  badMessage: { code: 4400, reason: 'bad message', reconnect: false },
  unauthenticated: { code: 4401, reason: 'unauthenticated', reconnect: false },
  /** 4401 with the reason why: the stream's session was logged out or its API token revoked. */
  credentialsRevoked: { code: 4401, reason: 'credentials revoked', reconnect: false },
  /** 4401: the stream's session expired (BACKLOT_SESSION_TTL_DAYS without a request). */
  sessionExpired: { code: 4401, reason: 'session expired', reconnect: false },
  forbiddenOrigin: { code: 4403, reason: 'forbidden origin', reconnect: false },
} as const satisfies Record<string, CloseCode>
