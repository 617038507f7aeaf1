import { type Static, Type } from '@sinclair/typebox'
import { COMMENT_MAX, REPORT_REASONS } from './reasons.js'

export const tags = ['reports']
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const Time = Type.String({ format: 'date-time' })
const Id = Type.String({ minLength: 1, maxLength: 64 })
const strict = { additionalProperties: false }

export const ReportReasonSchema = Type.Union(
  REPORT_REASONS.map((r) => Type.Literal(r)),
  {
    description:
      'spam, harassment, hate, violence, sexual (sexual content), spoiler (a leak or spoiler without warning), impersonation, other.',
  },
)
export const TargetKind = Type.Union([
  Type.Literal('post'),
  Type.Literal('image'),
  Type.Literal('answer'),
  Type.Literal('channel'),
])

export const CreateReportBody = Type.Object(
  {
    kind: TargetKind,
    postId: Type.Optional(Id),
    mediaId: Type.Optional(
      Type.String({
        description: 'For kind image: the media id of the album image.',
        minLength: 1,
        maxLength: 64,
      }),
    ),
    answerId: Type.Optional(
      Type.String({
        description: 'For kind answer: a highlighted answer shown on the post.',
        minLength: 1,
        maxLength: 64,
      }),
    ),
    reason: ReportReasonSchema,
    comment: Type.Optional(Type.String({ maxLength: COMMENT_MAX })),
  },
  strict,
)
export type CreateReportInput = Static<typeof CreateReportBody>

export const ReportReceipt = Type.Object({
  caseId: Type.String(),
  reason: ReportReasonSchema,
  comment: Type.String(),
  /** False when this updated the reporter's earlier report of the same item. */
  isNew: Type.Boolean(),
})
export type ReportReceiptT = Static<typeof ReportReceipt>

export const CaseState = Type.Union([Type.Literal('open'), Type.Literal('resolved')])
export const Resolution = Type.Union([
  Type.Literal('dismissed'),
  Type.Literal('deleted'),
  Type.Literal('banned'),
  Type.Literal('suspended'),
  Type.Literal('hidden'),
])
export const CaseAction = Type.Union([
  Type.Literal('dismiss'),
  Type.Literal('delete'),
  Type.Literal('ban'),
  Type.Literal('suspend'),
  Type.Literal('hide'),
])
export type CaseActionT = Static<typeof CaseAction>

export const CaseView = Type.Object({
  id: Type.String(),
  channel: Type.Object({ slug: Type.String(), title: Type.String() }),
  kind: TargetKind,
  state: CaseState,
  resolution: Type.Union([Resolution, Type.Null()]),
  reportCount: Type.Integer(),
  /** Reports by reason, e.g. { spam: 3, other: 1 }. */
  reasons: Type.Record(Type.String(), Type.Integer()),
  /** The newest comments (reporters stay anonymous to the channel's staff). */
  comments: Type.Array(Type.Object({ reason: ReportReasonSchema, comment: Type.String(), at: Time })),
  target: Type.Object({
    postId: Nullable(Type.String()),
    mediaId: Nullable(Type.String()),
    answerId: Nullable(Type.String()),
    /** The item's current text (an excerpt), null when it is gone or has none. */
    excerpt: Nullable(Type.String()),
    /** A small rendition of a reported image, while it exists. */
    imageUrl: Nullable(Type.String()),
    author: Type.Union([Type.Object({ handle: Type.String(), displayName: Type.String() }), Type.Null()]),
    /** False once the item was deleted or hidden. */
    exists: Type.Boolean(),
  }),
  /** What the viewer may do with this case now. */
  actions: Type.Array(CaseAction),
  createdAt: Time,
  updatedAt: Time,
  resolvedAt: Nullable(Time),
  resolvedBy: Nullable(Type.String()),
})
export type CaseViewT = Static<typeof CaseView>

export const CasePage = Type.Object({ items: Type.Array(CaseView), nextCursor: Nullable(Type.String()) })

export const CaseQuery = Type.Object(
  {
    state: Type.Optional(CaseState),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  strict,
)
export type CaseQueryT = Static<typeof CaseQuery>

export const ResolveBody = Type.Object(
  {
    action: CaseAction,
    /** Kept with a ban or a suspension (and shown to the channel's staff for a suspension). */
    reason: Type.Optional(Type.String({ maxLength: COMMENT_MAX })),
  },
  strict,
)
export type ResolveInput = Static<typeof ResolveBody>

export const NoticeView = Type.Object({
  id: Type.String(),
  kind: Type.Literal('report-resolved'),
  channel: Type.Object({ slug: Type.String(), title: Type.String() }),
  item: TargetKind,
  resolution: Resolution,
  createdAt: Time,
  read: Type.Boolean(),
})
export type NoticeViewT = Static<typeof NoticeView>
export const NoticePage = Type.Object({
  items: Type.Array(NoticeView),
  nextCursor: Nullable(Type.String()),
  unread: Type.Integer(),
})
