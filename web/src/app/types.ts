/**
 * The API shapes the web app reads (docs/api.md, docs/protocol.md). They mirror the server's TypeBox
 * schemas; fields other areas are still adding (album `media`) are optional so the app degrades
 * gracefully when an older server leaves them out.
 */

export type Role = 'owner' | 'admin' | 'creator' | 'moderator'
export type Visibility = 'public' | 'unlisted' | 'private'
export type JoinPolicy = 'open' | 'invite' | 'request'
export type NotifyLevel = 'all' | 'highlights' | 'none'

export interface Account {
  id: string
  handle: string
  displayName: string
  isAdmin: boolean
  createdAt: string
  /** Only on `/me`: the chosen language, null to follow the browser. */
  language?: 'en' | 'es' | null
  /** Only on `/me`: when the account is erased, while a deletion is pending. */
  deletionDueAt?: string | null
  /** Only in a login's answer: the login cancelled a pending deletion (the app tells the person). */
  deletionCancelled?: boolean
}

export interface JoinRequestState {
  status: 'pending' | 'approved' | 'rejected'
  message: string
  createdAt: string
  decidedAt: string | null
}

export interface Viewer {
  role: Role | null
  isMember: boolean
  muted: boolean
  notifyLevel: NotifyLevel | null
  isBanned: boolean
  joinRequest: JoinRequestState | null
}

/** Production facts (src/production): shown on the channel page when the server provides them. */
export interface ProductionFacts {
  kind?: string
  title?: string
  season?: number | null
  chapterLabel?: string
  chapters?: unknown[]
  filmingStartsOn?: string | null
  filmingWeeks?: number | null
}

export interface Channel {
  id: string
  slug: string
  title: string
  description: string
  visibility: Visibility
  joinPolicy: JoinPolicy
  /** Staff only: creators' posts need an owner's or admin's approval. */
  requireApproval?: boolean
  reactionSet: string[]
  memberCount: number
  archived: boolean
  createdAt: string
  updatedAt: string
  viewer?: Viewer
  membership?: { role: Role | null; muted: boolean; notifyLevel: NotifyLevel; joinedAt: string }
  /** The channel avatar (small image); null or absent: show the initial. */
  avatar?: ChannelAvatar | null
  production?: ProductionFacts | null
}

/** A channel's avatar: its small image in each format (docs/api.md "Avatar"). */
export interface ChannelAvatar {
  url: string
  width: number
  height: number
  blurhash: string | null
  variants: MediaVariant[]
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface MediaVariant {
  name: string
  width: number
  height: number
  /** Image formats for photos and posters; mp4 for video renditions; ogg and m4a for voice notes. */
  format: 'webp' | 'jpeg' | 'png' | 'mp4' | 'm4a' | 'ogg'
  url: string
}

/** A media object (upload answer, and each item of an album post). */
export interface Media {
  id: string
  status?: 'processing' | 'ready' | 'failed'
  /** Problem code when background processing failed. */
  error?: string | null
  width: number
  height: number
  blurhash: string | null
  alt: string
  credit: string | null
  /** Usage rights ("Editorial use only"), never read from the file. */
  rights?: string | null
  spoiler: boolean
  /** A spoiler image's own label ("Chapter 8"). */
  spoilerLabel?: string | null
  variants: MediaVariant[]
  originalUrl?: string | null
  /** A photo, a video (its image variants are the poster) or a voice note (issue 20). */
  kind?: 'image' | 'video' | 'audio'
  durationMs?: number | null
  /** A voice note's 64 peaks, 0–100. */
  waveform?: number[] | null
  /** How far transcoding has come while the server processes a video (0–1). */
  progress?: number | null
  /** A video's caption tracks (validated WebVTT files). */
  captions?: { lang: string; label: string; url: string }[]
}

export interface Reactions {
  enabled: boolean
  counts: { emoji: string; count: number }[]
  total: number
  mine: string | null
}

export interface Poll {
  question: string
  options: { text: string; votes: number | null }[]
  multiple: boolean
  quiz: boolean
  resultsVisibility: 'always' | 'after-close'
  resultsVisible: boolean
  totalVoters: number
  closesAt: string | null
  closed: boolean
  closedAt: string | null
  myVote: number[] | null
  correctOption: number | null
  explanation: string | null
}

export interface Prompt {
  question: string
  highlighted: { id: string; text: string; author: { displayName: string }; highlightedAt: string }[]
  myAnswer: { id: string; text: string; createdAt: string; highlighted: boolean } | null
}

export interface Post {
  id: string
  channel: string
  author: { handle: string; displayName: string }
  kind: 'text' | 'album' | 'poll' | 'prompt'
  text: string
  links: { url: string; start: number; end: number }[]
  status: 'draft' | 'in_review' | 'scheduled' | 'published' | 'deleted'
  publishedAt: string | null
  editedAt: string | null
  pinned: boolean
  pinnedAt: string | null
  spoiler: boolean
  spoilerLabel: string | null
  silent: boolean
  revision: number
  media?: Media[]
  reactions?: Reactions
  poll?: Poll
  prompt?: Prompt
  views?: number
  /** Production tags (docs/api.md "Production facts and tags"); null or absent: untagged. */
  production?: PostProduction | null
  /** The card of the first link (docs/api.md "Link previews"); null or absent: none. */
  linkPreview?: LinkPreview | null
}

export interface LinkPreview {
  url: string
  title: string | null
  description: string | null
  siteName: string | null
  image: { url: string; width: number; height: number } | null
}

export interface PostProduction {
  weeks: { from: number; to: number } | null
  chapters: number[]
  location: string | null
  unit: string | null
}

export interface Position {
  epoch: string
  seq: number
  /** The id of the event at `seq`: the server checks it on resume (a replaced history answers `reset`). */
  id?: string
}

/** One post's entry of a `counts` frame (src/interactions/views.ts toCountsEntry). */
export interface CountsEntry {
  id: string
  reactions?: { counts: { emoji: string; count: number }[]; total: number }
  views?: number
  poll?: { totalVoters: number; votes: number[] | null }
  highlightedAnswers?: number
}

export interface ChannelEvent {
  id: string
  type: string
  at: number
  data: unknown
}

export type ServerFrame =
  | { type: 'event'; channel: string; epoch: string; seq: number; event: ChannelEvent }
  | { type: 'subscribed'; channel: string; position: Position }
  | { type: 'reset'; channel: string; reason: string; position: Position }
  | { type: 'unsubscribed'; channel: string; reason: string }
  | { type: 'error'; code: string; status: number; title: string; detail: string; channel?: string }
  | { type: 'heartbeat' }
  | { type: 'counts'; channel: string; at: number; posts: CountsEntry[] }
