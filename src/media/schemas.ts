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
    description:
      "original.jpg (or .png with transparency), or a variant: 320|1080|2048 . webp|jpg (an image, or a video's poster); a video rendition 480p|1080p . mp4; a voice note voice . ogg|m4a; a kept video original original.mp4|m4a",
  }),
})

export const MediaVariantView = Type.Object({
  name: Type.String({
    description:
      "Image or poster size class: '320', '1080' or '2048' (long side, never upscaled); video rendition: '480p' or '1080p' (short side); voice note: 'voice'",
  }),
  width: Type.Integer({ description: '0 for a voice note' }),
  height: Type.Integer(),
  format: Type.Union([
    Type.Literal('webp'),
    Type.Literal('jpeg'),
    Type.Literal('png'),
    Type.Literal('mp4'),
    Type.Literal('m4a'),
    Type.Literal('ogg'),
  ]),
  url: Type.String(),
})

export const MediaKind = Type.Union([Type.Literal('image'), Type.Literal('video'), Type.Literal('audio')], {
  description: 'From the detected type: an image, a video (MP4 renditions and a poster), or a voice note',
})

/** What a video or voice note adds to an image's fields (issue 20). */
export const AvFields = {
  kind: MediaKind,
  durationMs: Type.Union([Type.Integer(), Type.Null()], { description: 'Length of a video or voice note' }),
  waveform: Type.Union([Type.Array(Type.Integer({ minimum: 0, maximum: 100 })), Type.Null()], {
    description: "A voice note's 64 peaks (0–100) for the player",
  }),
  captions: Type.Array(
    Type.Object({
      lang: Type.String({ description: "BCP 47 language tag: the track's srclang" }),
      label: Type.String({ description: "The track's label in the player's menu" }),
      url: Type.String({ description: 'The validated WebVTT file (text/vtt)' }),
    }),
    { description: "A video's caption tracks (WebVTT); empty for photos and voice notes" },
  ),
}

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
  ...AvFields,
  progress: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
    description:
      'How far transcoding of a video or voice note has come while it is processing (on whichever node does it)',
  }),
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
    file: Type.String({
      format: 'binary',
      description:
        'One JPEG, PNG, WebP, AVIF or GIF image (BACKLOT_MEDIA_MAX_BYTES), or a video or voice note: MP4/MOV/3GP/M4A, WebM/Matroska, Ogg, WAV or MP3 (BACKLOT_VIDEO_MAX_BYTES)',
    }),
    alt: Type.Optional(Alt),
    credit: Type.Optional(Credit),
    rights: Type.Optional(Rights),
    spoiler: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    spoilerLabel: Type.Optional(SpoilerLabel),
  },
  { additionalProperties: false },
)

export const CaptionParams = Type.Object({
  id: MediaId,
  lang: Type.String({
    pattern: '^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$',
    description: 'BCP 47 language tag of the track (en, fr, pt-BR): its srclang',
  }),
})

export const CaptionQuery = Type.Object(
  {
    label: Type.String({
      minLength: 1,
      maxLength: 80,
      description: 'What the player\'s caption menu shows, e.g. "English" or "Français (SDH)"',
    }),
  },
  { additionalProperties: false },
)
