import { Type } from '@sinclair/typebox'
import { ENDPOINT_MAX } from './endpoint.js'

const Time = Type.String({ format: 'date-time' })

export const VapidKeyView = Type.Object({
  publicKey: Type.String({
    description: 'The VAPID application server key (base64url): pass it to PushManager.subscribe().',
  }),
})

/** What `PushSubscription.toJSON()` gives, plus an optional device label. */
export const SubscribeBody = Type.Object(
  {
    endpoint: Type.String({
      minLength: 1,
      maxLength: ENDPOINT_MAX,
      description: 'The push service URL from the browser: https, on a public host.',
    }),
    expirationTime: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
        description: 'Epoch milliseconds when the browser will drop the subscription, if it says.',
      }),
    ),
    keys: Type.Object(
      {
        p256dh: Type.String({
          minLength: 1,
          maxLength: 256,
          description: 'The browser’s P-256 public key, base64url (65 bytes).',
        }),
        auth: Type.String({
          minLength: 1,
          maxLength: 64,
          description: 'The browser’s auth secret, base64url (16 bytes).',
        }),
      },
      { additionalProperties: false },
    ),
    label: Type.Optional(
      Type.String({ maxLength: 100, description: 'A name for the device, e.g. "Pixel — Chrome".' }),
    ),
  },
  { additionalProperties: false },
)

export const SubscriptionView = Type.Object({
  id: Type.String(),
  endpoint: Type.String({
    description: 'Lets a browser find its own entry (compare with its subscription).',
  }),
  label: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  updatedAt: Time,
  expiresAt: Type.Union([Time, Type.Null()]),
})

export const SubscriptionList = Type.Object({ items: Type.Array(SubscriptionView) })

export const SubscriptionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
