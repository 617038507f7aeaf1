import { type CursorCodec, cursorCodec } from '../util/pagination.js'

/** A position in a channel's feed: posts are ordered newest first by (published_at, id). */
export interface FeedKey {
  publishedAt: number
  id: string
}

/** The feed's cursors (API `cursor`, public pages' `?before=`): util/pagination.ts. */
export const feedCursor: CursorCodec<FeedKey> = cursorCodec({ publishedAt: 'int', id: 'id' })
