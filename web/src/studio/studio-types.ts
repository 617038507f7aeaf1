import type { Post, Role } from '../app/types.js'

/**
 * Shapes only the studio reads (docs/api.md "Production facts and tags", "Drafts, scheduled posts
 * and press previews", "Digests", audit log under "Channels"). Kept apart from app/types.ts, which
 * the fan view owns.
 */

export type ProductionKind = 'series' | 'film' | 'tour' | 'other'

export interface Chapter {
  number: number
  title: string | null
  airDate: string | null
}

/** A channel's production facts as `GET …/production` answers them. */
export interface Production {
  kind: ProductionKind
  title: string
  season: number | null
  chapterLabel: string
  chapters: Chapter[]
  filmingStartsOn: string | null
  filmingWeeks: number | null
  autoLiftSpoilers: boolean
}

/** A post's production tags (`production` of the post view). */
export interface PostTags {
  weeks: { from: number; to: number } | null
  chapters: number[]
  location: string | null
  unit: string | null
}

/** The post view with what the production area adds to it. */
export type StudioPost = Post & {
  production?: PostTags | null
  publishAt?: string | null
  publishedLate?: boolean
  /** Staff only, once submitted for sign-off (docs/api.md "Sign-off"). */
  review?: {
    state: 'in_review' | 'returned' | 'approved' | 'withdrawn'
    comment: string | null
    by: { handle: string; displayName: string } | null
    at: string
    submittedAt: string
  } | null
}

/** A press preview link. `url` only in the creation answer; `opens`/`lastOpenedAt` when the server counts them. */
export interface PressPreview {
  id: string
  postId: string
  label: string
  url?: string
  expiresAt: string
  revokedAt: string | null
  createdAt: string
  opens?: number
  lastOpenedAt?: string | null
}

/** A press kit link of a post (issue 19): one recipient, with its opens and downloads. */
export interface PressKit {
  id: string
  /** The post of a post's kit, or the digest of a digest's kit (the other is null). */
  postId: string | null
  digestId: string | null
  recipient: string
  outlet: string
  email: string | null
  contact: string
  usageNote: string
  url?: string
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  opens: number
  lastOpenedAt: string | null
  downloads: number
  lastDownloadedAt: string | null
}

export interface DigestPost {
  id: string
  url: string
  title: string
  publishedAt: string
  reactions: number
}

export interface Digest {
  id: string
  channel: string
  title: string
  intro: string
  url: string
  rangeLabel: string
  weeks: { from: number; to: number } | null
  dates: { from: string; to: string } | null
  mode: 'auto' | 'manual'
  maxPosts: number
  postIds: string[] | null
  posts: DigestPost[]
  linkedPostId: string | null
  createdAt: string
  updatedAt: string
}

/** One week of `GET …/timeline` (only what the digest builder reads). */
export interface TimelineWeek {
  week: number | null
  label: string
  postCount: number
  posts: { id: string; url: string; title: string; publishedAt: string; isSpoiler: boolean }[]
}

export interface AuditEntry {
  id: string
  actorHandle: string | null
  action: string
  targetHandle: string | null
  targetPostId: string | null
  details: Record<string, unknown>
  createdAt: string
}

export type { Role }
