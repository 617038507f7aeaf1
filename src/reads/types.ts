import type { PostKind } from '../db/schema.js'
import type { LinkSpan, PublicPostParts } from '../posts/index.js'

/** A post's production tags, as the production area's hook hands them over (PublicPostParts). */
export type PostTags = NonNullable<PublicPostParts['tags']>

/** One image file as a public surface may reference it. */
export interface ImageFile {
  url: string
  width: number
  height: number
  type: string
  bytes: number
}

/**
 * What a video or voice note plays on a public surface (issue 20): its renditions, smallest first.
 * Never set for a spoiler (its poster is blurred and it plays only in the app, after a tap, or on
 * an explicit reveal).
 */
export interface PublicAv {
  kind: 'video' | 'audio'
  /** MP4 renditions of a video; Opus (Ogg) then AAC (M4A) of a voice note. */
  sources: ImageFile[]
  durationMs: number | null
  /** A voice note's peaks (0–100). */
  waveform: number[] | null
  /** A video's caption tracks (WebVTT), rendered as `<track kind="captions">`. */
  captions: PublicCaption[]
}

export interface PublicCaption {
  lang: string
  label: string
  url: string
}

/** A voice note of an album: it has no picture, so it is not one of the album's images. */
export interface PublicVoiceNote {
  n: number
  mediaId: string
  alt: string
  credit: string | null
  rights: string | null
  av: PublicAv
}

export interface PublicImage {
  /** 1-based place in the album: `/c/{slug}/p/{id}/{n}`. */
  n: number
  mediaId: string
  alt: string
  credit: string | null
  /** Usage rights ("Editorial use only"), shown with the credit. */
  rights: string | null
  /** Outside the app this image exists only as its blurred rendering. */
  isSpoiler: boolean
  /** What the image spoils, shown on its blurred cover; null unless `isSpoiler`. */
  spoilerLabel: string | null
  blurhash: string | null
  /** What to show: a ≤1080 px JPEG, or for a spoiler the blurred rendering. */
  display: ImageFile
  /** A small version (320 px), or the blurred rendering. */
  thumb: ImageFile
  /** The real image behind a spoiler; only filled for an explicit reveal (`?reveal=1`). */
  revealed: ImageFile | null
  /** A video's renditions (the image is then its poster); null for a photo and a hidden spoiler. */
  av: PublicAv | null
}

/**
 * A post as every surface outside the app shows it, after the rules (rules.ts): never an embargoed
 * post; a spoiler post's text replaced by its label and note; spoiler images only blurred.
 */
export interface PublicPost {
  id: string
  channelSlug: string
  /** Canonical page: `{BACKLOT_PUBLIC_URL}/c/{slug}/p/{id}`. */
  url: string
  author: { handle: string; displayName: string }
  kind: PostKind
  publishedAt: number
  editedAt: number | null
  /** Empty when the text is hidden as a spoiler. */
  text: string
  links: LinkSpan[]
  /** Set for a spoiler post: what replaces its text. */
  spoiler: { label: string | null; note: string } | null
  /** "Contains spoilers for Chapter 8" whenever anything in the post is hidden. */
  spoilerNote: string | null
  /** The hidden text, only for an explicit reveal. */
  revealedText: string | null
  tags: PostTags | null
  /** Human labels of the tags: "Weeks 11–14", "Chapter 8 — Finale", "Location: …", "Unit: …". */
  tagLabels: string[]
  images: PublicImage[]
  /** Voice notes of the album that are not spoilers (a spoiler voice note plays only in the app). */
  voiceNotes: PublicVoiceNote[]
  question: { text: string; options: string[] } | null
  reactions: number
  /** A one-line title for feeds, cards and tabs (spoiler-safe). */
  title: string
  /** A short description for meta tags and feeds (spoiler-safe). */
  summary: string
  isPinned: boolean
  /** Embargo time of a scheduled post (previews) or when a scheduled post was due. */
  publishAt: number | null
  /** The card of the post's first link (link-previews area); null when none or the text is hidden. */
  linkPreview: PublicLinkPreview | null
}

/** A link preview as the link-previews area hydrated it (posts' PublicPostParts extension point). */
export type PublicLinkPreview = NonNullable<PublicPostParts['linkPreview']>
