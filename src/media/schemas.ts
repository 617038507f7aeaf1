import { Type } from '@sinclair/typebox'
import { FILE_NAME_PATTERN } from './files.js'
import { IMAGE_SPOILER_LABEL_MAX } from './image-spoiler.js'

export const ALT_MAX = 1500
export const CREDIT_MAX = 200
export const RIGHTS_MAX = 200

// ULIDs: 26 Crockford base-32 characters.
const MediaId = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', description: 'Media id (ULID)' })

export const MediaParams = Type.Object({ id: MediaId })

export const MediaFileParams = Type.Object({
  id: MediaId,
  file: Type.String({
    pattern: FILE_NAME_PATTERN,
    description: 'original.jpg (or .png with transparency), or a variant: 320|1080|2048 . webp|jpg',
  }),
})

export const MediaVariantView = Type.Object({
  name: Type.String({ description: "Size class: '320', '1080' or '2048' (long side, never upscaled)" }),
  width: Type.Integer(),
  height: Type.Integer(),
  format: Type.Union([Type.Literal('webp'), Type.Literal('jpeg'), Type.Literal('png')]),
  url: Type.String(),
})

export const MediaView = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')]),
  /** Problem code when processing failed in the background. */
  error: Type.Union([Type.String(), Type.Null()]),
  mime: Type.String({ description: 'Detected type of the uploaded file' }),
  width: Type.Integer({ description: 'After EXIF orientation' }),
  height: Type.Integer(),
  blurhash: Type.Union([Type.String(), Type.Null()]),
  alt: Type.String(),
  credit: Type.Union([Type.String(), Type.Null()]),
  rights: Type.Union([Type.String(), Type.Null()], { description: 'Usage rights, as typed by a person' }),
  spoiler: Type.Boolean(),
  spoilerLabel: Type.Union([Type.String(), Type.Null()], { description: 'What the blurred image spoils' }),
  variants: Type.Array(MediaVariantView),
  originalUrl: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  readyAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})

const Alt = Type.String({ maxLength: ALT_MAX })
const Credit = Type.String({
  maxLength: CREDIT_MAX,
  description: 'Photographer credit; never read from EXIF',
})
const Rights = Type.String({
  maxLength: RIGHTS_MAX,
  description: 'Usage rights, e.g. "Editorial use only, no resale"; never read from image metadata',
})
const SpoilerLabel = Type.String({
  maxLength: IMAGE_SPOILER_LABEL_MAX,
  description: 'What the image spoils; marks it a spoiler. Empty means none.',
})

export const MediaPatchBody = Type.Object(
  {
    alt: Type.Optional(Alt),
    credit: Type.Optional(Type.Union([Credit, Type.Null()])),
    rights: Type.Optional(Type.Union([Rights, Type.Null()])),
    spoiler: Type.Optional(Type.Boolean({ description: '`false` also drops the label.' })),
    spoilerLabel: Type.Optional(Type.Union([SpoilerLabel, Type.Null()])),
  },
  { additionalProperties: false },
)

/** The multipart form of an upload, for the OpenAPI document; the handler validates it while streaming. */
export const MediaUploadForm = Type.Object(
  {
    file: Type.String({ format: 'binary', description: 'One JPEG, PNG, WebP, AVIF or GIF image' }),
    alt: Type.Optional(Alt),
    credit: Type.Optional(Credit),
    rights: Type.Optional(Rights),
    spoiler: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    spoilerLabel: Type.Optional(SpoilerLabel),
  },
  { additionalProperties: false },
)
