import { Type } from '@sinclair/typebox'
import { LANGUAGES } from '../i18n/index.js'
import { DISPLAY_NAME_MAX, HANDLE_PATTERN, PASSWORD_MAX, PASSWORD_MIN } from './validation.js'

const Handle = Type.String({
  pattern: HANDLE_PATTERN,
  description: '3–30 characters a–z, 0–9 and _; case-insensitive (stored lower-case).',
  examples: ['showrunner'],
})
const DisplayName = Type.String({ minLength: 1, maxLength: DISPLAY_NAME_MAX })
const Password = Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
const Scope = Type.Union([Type.Literal('read'), Type.Literal('post'), Type.Literal('channel:admin')])
const Time = Type.String({ format: 'date-time' })

export const RegisterBody = Type.Object(
  {
    handle: Handle,
    displayName: DisplayName,
    password: Password,
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  },
  { additionalProperties: false },
)

export const LoginBody = Type.Object(
  {
    // Not the registration pattern: a login with a malformed handle is just a failed login.
    handle: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
  },
  { additionalProperties: false },
)

/** The languages with a catalog (src/i18n/languages.ts); null follows the browser's Accept-Language. */
export const LanguageSetting = Type.Union([...LANGUAGES.map((l) => Type.Literal(l)), Type.Null()], {
  description: 'The language of the app, pages, notifications and error titles; null follows the browser',
})

export const UpdateMeBody = Type.Object(
  { displayName: Type.Optional(DisplayName), language: Type.Optional(LanguageSetting) },
  { additionalProperties: false },
)

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'What the token is for, e.g. "laptop CLI".',
    }),
    scopes: Type.Array(Scope, {
      minItems: 1,
      uniqueItems: true,
      description: 'read: read and act as a fan; post: posts and media; channel:admin: channel settings.',
    }),
  },
  { additionalProperties: false },
)

export const TokenParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export const AccountView = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
  createdAt: Time,
})

export const LoginView = Type.Object({
  ...AccountView.properties,
  deletionCancelled: Type.Boolean({
    description: 'The account had a deletion pending, which this login cancelled: tell the person',
  }),
})

export const MeView = Type.Object({
  ...AccountView.properties,
  deletionDueAt: Type.Union([Time, Type.Null()], {
    description: 'When the account is erased: a deletion is pending (GET /api/v1/me/deletion)',
  }),
  email: Type.Union([Type.String(), Type.Null()]),
  language: LanguageSetting,
  auth: Type.Object({
    via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
    scopes: Type.Array(Scope),
  }),
})

export const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Scope),
  createdAt: Time,
  lastUsedAt: Type.Union([Time, Type.Null()]),
})

export const CreatedTokenView = Type.Object({
  ...TokenView.properties,
  token: Type.String({ description: 'The secret (blt_…). Shown only in this response; store it now.' }),
})

export const TokenList = Type.Object({ tokens: Type.Array(TokenView) })

export const SessionView = Type.Object({
  id: Type.String(),
  device: Type.Union([Type.String(), Type.Null()], {
    description: 'Browser and system from the user agent at login ("Chrome on Android")',
  }),
  network: Type.Union([Type.String(), Type.Null()], {
    description: 'The login address’s network (IPv4 /24, IPv6 /48), never the address itself',
  }),
  createdAt: Time,
  lastSeenAt: Time,
  expiresAt: Time,
  current: Type.Boolean({ description: 'The session making this request' }),
})

export const SessionList = Type.Object({ items: Type.Array(SessionView) })

export const SessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
    newPassword: Password,
  },
  { additionalProperties: false },
)
