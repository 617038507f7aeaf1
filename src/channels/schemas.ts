import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { MediaVariantView } from '../media/index.js'
import { ProductionView } from './production-schemas.js'

/** Request and response schemas of the channel routes; they are also the OpenAPI document. */

const strict = { additionalProperties: false } as const

// ---- route metadata shared by the channel route files

export const tags = ['channels']
export const authenticated: Array<Record<string, string[]>> = [{ session: [] }, { token: [] }]
export const NoContent = Type.Null({ description: 'Done; no body.' })
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Time = Type.String({ format: 'date-time' })

export const SLUG_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$'

export const Slug = Type.String({
  minLength: 3,
  maxLength: 40,
  pattern: SLUG_PATTERN,
  description:
    'Letters, digits and inner hyphens; stored lower-case. Some words (api, c, embed…) are reserved.',
})
export const Visibility = Type.Union([
  Type.Literal('public'),
  Type.Literal('unlisted'),
  Type.Literal('private'),
])
export const JoinPolicy = Type.Union([Type.Literal('open'), Type.Literal('invite'), Type.Literal('request')])
export const RoleName = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('creator'),
  Type.Literal('moderator'),
])
export const NotifyLevel = Type.Union([Type.Literal('all'), Type.Literal('highlights'), Type.Literal('none')])
const RequestStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
])
const Title = Type.String({ minLength: 1, maxLength: 100 })
const Description = Type.String({ maxLength: 1000 })
export const ReactionSet = Type.Array(Type.String({ minLength: 1, maxLength: 32 }), {
  maxItems: 12,
  uniqueItems: true,
  description: 'Up to 12 distinct emoji; [] turns reactions off.',
})

// ---- parameters and queries

const PathSlug = Type.String({ minLength: 1, maxLength: 100 })
const PathHandle = Type.String({ minLength: 1, maxLength: 100 })
export const ChannelParams = Type.Object({ slug: PathSlug })
export const HandleParams = Type.Object({ slug: PathSlug, handle: PathHandle })
export const InviteParams = Type.Object({ slug: PathSlug, id: Type.String({ minLength: 1, maxLength: 64 }) })

const pageFields = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
}
export const PageQuery = Type.Object(pageFields, strict)
export const ChannelListQuery = Type.Object(
  {
    member: Type.Optional(Type.Literal('me', { description: 'Only channels the caller belongs to.' })),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Public channels whose title or description has these words (a title match ranks first), best match first.',
      }),
    ),
    ...pageFields,
  },
  strict,
)

// ---- bodies

export const CreateChannelBody = Type.Object(
  {
    slug: Slug,
    title: Title,
    description: Type.Optional(Description),
    visibility: Type.Optional(Visibility),
    joinPolicy: Type.Optional(JoinPolicy),
  },
  strict,
)
export const UpdateChannelBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    visibility: Type.Optional(Visibility),
    joinPolicy: Type.Optional(JoinPolicy),
    reactionSet: Type.Optional(Nullable(ReactionSet)),
    requireApproval: Type.Optional(
      Type.Boolean({
        description:
          "Creators' posts need an owner's or admin's approval: creators save drafts and submit them for review.",
      }),
    ),
    avatarMediaId: Type.Optional(
      Nullable(
        Type.String({
          pattern: '^[0-9A-HJKMNP-TV-Z]{26}$',
          description:
            'A ready upload of yours (POST /api/v1/media) in no post and no other avatar; null removes the avatar.',
        }),
      ),
    ),
  },
  { ...strict, minProperties: 1 },
)
export const RoleBody = Type.Object({ role: RoleName }, strict)
export const JoinBody = Type.Object(
  {
    invite: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  },
  strict,
)
export const MemberSettingsBody = Type.Object(
  { muted: Type.Optional(Type.Boolean()), notifyLevel: Type.Optional(NotifyLevel) },
  { ...strict, minProperties: 1 },
)
export const CreateInviteBody = Type.Object(
  {
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 31_536_000 })),
  },
  strict,
)
export const BanBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, strict)

// ---- responses

export const JoinRequestState = Type.Object({
  status: RequestStatus,
  message: Type.String(),
  createdAt: Time,
  decidedAt: Nullable(Time),
})
export const ViewerView = Type.Object({
  role: Nullable(RoleName),
  isMember: Type.Boolean(),
  muted: Type.Boolean(),
  notifyLevel: Nullable(NotifyLevel),
  isBanned: Type.Boolean(),
  joinRequest: Nullable(JoinRequestState),
})
export const ChannelAvatarView = Type.Object(
  {
    url: Type.String({ description: 'The small JPEG (320 px on the long side, or smaller)' }),
    width: Type.Integer({ description: 'Of the image at `url`' }),
    height: Type.Integer(),
    blurhash: Nullable(Type.String()),
    variants: Type.Array(MediaVariantView, { description: 'The same small image in each format' }),
  },
  { description: 'The channel avatar; clients crop it to a circle. null: none (show initials).' },
)
const publicChannelFields = {
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  visibility: Visibility,
  joinPolicy: JoinPolicy,
  reactionSet: Type.Array(Type.String()),
  memberCount: Type.Integer(),
  archived: Type.Boolean(),
  createdAt: Time,
  updatedAt: Time,
  production: Type.Optional(Nullable(ProductionView)),
  avatar: Nullable(ChannelAvatarView),
}
export const PublicChannelView = Type.Object(publicChannelFields)
export const ChannelView = Type.Object({
  ...publicChannelFields,
  requireApproval: Type.Optional(
    Type.Boolean({ description: "Staff only: creators' posts need approval (issue 16)." }),
  ),
  viewer: ViewerView,
})
export const MembershipView = Type.Object({
  role: Nullable(RoleName),
  muted: Type.Boolean(),
  notifyLevel: NotifyLevel,
  joinedAt: Time,
})
export const ChannelListItem = Type.Object({
  ...publicChannelFields,
  membership: Type.Optional(MembershipView),
})
export const ChannelPage = Type.Object({
  items: Type.Array(ChannelListItem),
  nextCursor: Nullable(Type.String()),
})
export const JoinResult = Type.Object({
  status: Type.Union([Type.Literal('joined'), Type.Literal('requested')]),
  channel: ChannelView,
})
export const MemberView = Type.Object({
  handle: Type.String(),
  displayName: Type.String(),
  role: Nullable(RoleName),
  joinedAt: Time,
})
export const MemberPage = Type.Object({ items: Type.Array(MemberView), nextCursor: Nullable(Type.String()) })
export const InviteView = Type.Object({
  id: Type.String(),
  maxUses: Nullable(Type.Integer()),
  uses: Type.Integer(),
  expiresAt: Nullable(Time),
  revoked: Type.Boolean(),
  createdAt: Time,
})
export const CreatedInviteView = Type.Object({
  ...InviteView.properties,
  token: Type.String({ description: 'Shown once; only its hash is stored.' }),
  url: Type.String(),
})
export const InvitePage = Type.Object({ items: Type.Array(InviteView), nextCursor: Nullable(Type.String()) })
export const JoinRequestView = Type.Object({
  handle: Type.String(),
  displayName: Type.String(),
  ...JoinRequestState.properties,
})
export const JoinRequestPage = Type.Object({
  items: Type.Array(JoinRequestView),
  nextCursor: Nullable(Type.String()),
})
export const BanView = Type.Object({
  handle: Type.String(),
  displayName: Type.String(),
  reason: Type.String(),
  bannedBy: Type.String({ description: 'Handle of the staff member who banned.' }),
  createdAt: Time,
})
export const BanPage = Type.Object({ items: Type.Array(BanView), nextCursor: Nullable(Type.String()) })
export const AuditEntryView = Type.Object({
  id: Type.String(),
  actorHandle: Type.String(),
  action: Type.String(),
  targetHandle: Nullable(Type.String()),
  targetPostId: Nullable(Type.String()),
  details: Type.Object({}, { additionalProperties: true }),
  createdAt: Time,
})
export const AuditPage = Type.Object({
  items: Type.Array(AuditEntryView),
  nextCursor: Nullable(Type.String()),
})

export type CreateChannelInput = Static<typeof CreateChannelBody>
export type UpdateChannelInput = Static<typeof UpdateChannelBody>
export type JoinInput = Static<typeof JoinBody>
export type MemberSettingsInput = Static<typeof MemberSettingsBody>
export type CreateInviteInput = Static<typeof CreateInviteBody>
export type PublicChannelViewT = Static<typeof PublicChannelView>
export type ChannelAvatarViewT = Static<typeof ChannelAvatarView>
export type ChannelViewT = Static<typeof ChannelView>
export type ViewerViewT = Static<typeof ViewerView>
export type ChannelListItemT = Static<typeof ChannelListItem>
export type MembershipViewT = Static<typeof MembershipView>
export type MemberViewT = Static<typeof MemberView>
export type InviteViewT = Static<typeof InviteView>
export type JoinRequestViewT = Static<typeof JoinRequestView>
export type JoinRequestStateT = Static<typeof JoinRequestState>
export type BanViewT = Static<typeof BanView>
export type AuditEntryViewT = Static<typeof AuditEntryView>
