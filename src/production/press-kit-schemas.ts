import { type Static, Type } from '@sinclair/typebox'

export const CreatePressKitBody = Type.Object(
  {
    recipient: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Who the kit is for, e.g. "Ana Ruiz".',
    }),
    outlet: Type.Optional(Type.String({ maxLength: 100, description: 'Their outlet, e.g. "Variety".' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    contact: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The press contact printed in the kit, e.g. "press@show.example, +34 600 000 000".',
    }),
    usageNote: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'Usage terms beyond each image\'s rights, e.g. "Not before the embargo".',
      }),
    ),
    expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 * 14 })),
  },
  { additionalProperties: false },
)
export type CreatePressKitInput = Static<typeof CreatePressKitBody>

export const PressKitView = Type.Object({
  id: Type.String(),
  postId: Type.Union([Type.String(), Type.Null()], { description: "The post of a post's kit." }),
  digestId: Type.Union([Type.String(), Type.Null()], { description: "The digest of a digest's kit." }),
  recipient: Type.String(),
  outlet: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  contact: Type.String(),
  usageNote: Type.String(),
  url: Type.Optional(Type.String({ description: 'Only in the answer that creates it: the secret link.' })),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  opens: Type.Integer({ description: 'How many times the kit page was opened through this link.' }),
  lastOpenedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  downloads: Type.Integer({ description: 'How many times the zip was downloaded through this link.' }),
  lastDownloadedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type PressKitViewData = Static<typeof PressKitView>
export const PressKitList = Type.Object({
  items: Type.Array(PressKitView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
export const PressKitParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
  kitId: Type.String({ minLength: 1, maxLength: 100 }),
})
export const DigestPressKitParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  digestId: Type.String({ minLength: 1, maxLength: 100 }),
  kitId: Type.String({ minLength: 1, maxLength: 100 }),
})
