import { Type } from '@sinclair/typebox'

const Time = Type.String({ format: 'date-time' })
const MaybeTime = Type.Union([Time, Type.Null()])

export const ExportParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export const ExportChannelParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 64 }) })

export const ExportView = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('person'), Type.Literal('channel')]),
  channel: Type.Union([Type.String(), Type.Null()], {
    description: 'The exported channel’s slug; null for your own data.',
  }),
  status: Type.Union(
    ['queued', 'running', 'ready', 'failed', 'expired'].map((s) => Type.Literal(s)),
    { description: 'queued → running → ready (then expired once its time is up), or failed.' },
  ),
  progress: Type.Object({
    done: Type.Integer({ description: 'Items (rows and image files) written so far.' }),
    total: Type.Integer({ description: 'Items the archive will hold; 0 until the job has counted them.' }),
  }),
  bytes: Type.Union([Type.Integer(), Type.Null()], { description: 'Size of the finished archive.' }),
  createdAt: Time,
  finishedAt: MaybeTime,
  expiresAt: Type.Union([Time, Type.Null()], { description: 'When the archive is deleted.' }),
  downloadUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'Path of the archive (a zip) while it is ready; only you can download it.',
  }),
})

export const ExportList = Type.Object({ items: Type.Array(ExportView) })
