import { Type } from '@sinclair/typebox'

export const UploadParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Upload id (32 hex digits, from Location)' }),
})

export const UploadChannelParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) })

export const ResumableUploadView = Type.Object({
  id: Type.String(),
  /** The whole file's size (Upload-Length). */
  length: Type.Integer(),
  status: Type.Union(
    [Type.Literal('receiving'), Type.Literal('processing'), Type.Literal('done'), Type.Literal('failed')],
    {
      description:
        'receiving: send the rest (HEAD gives the offset); processing: all bytes are in, the media pipeline is taking them; done: see mediaId; failed: see error',
    },
  ),
  mediaId: Type.Union([Type.String(), Type.Null()], {
    description: 'The media item the upload became (GET /api/v1/media/{id}); use it in a post album',
  }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Problem type that refused the file' }),
  expiresAt: Type.String({ format: 'date-time', description: 'Unfinished by then, the upload is deleted' }),
})
