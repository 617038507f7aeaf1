import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * Table types shared by both dialects. Conventions that keep one schema for SQLite and PostgreSQL:
 * ids are ULID text; times are epoch milliseconds (bigint, parsed to number); flags are 0/1
 * integers; structured values are JSON text.
 */
export interface Database {
  meta: MetaTable
  account: AccountTable
  session: SessionTable
  api_token: ApiTokenTable
  channel: ChannelTable
  channel_member: ChannelMemberTable
  channel_ban: ChannelBanTable
  channel_invite: ChannelInviteTable
  join_request: JoinRequestTable
  audit_log: AuditLogTable
  post: PostTable
  post_revision: PostRevisionTable
  channel_event: ChannelEventTable
  media: MediaTable
  post_media: PostMediaTable
  post_reaction: PostReactionTable
  poll: PollTable
  poll_ballot: PollBallotTable
  prompt: PromptTable
  prompt_answer: PromptAnswerTable
  post_view: PostViewTable
  post_anonymous_views: PostAnonymousViewsTable
  push_subscription: PushSubscriptionTable
  push_fanout: PushFanoutTable
  push_delivery: PushDeliveryTable
  post_production: PostProductionTable
  press_preview: PressPreviewTable
  press_kit: PressKitTable
  digest: DigestTable
  media_rendering: MediaRenderingTable
  channel_avatar: ChannelAvatarTable
  post_review: PostReviewTable
  press_preview_open: PressPreviewOpenTable
  report_case: ReportCaseTable
  report: ReportTable
  account_notice: AccountNoticeTable
  export_job: ExportJobTable
  poll_imported_tally: PollImportedTallyTable
  reach_channel_day: ReachChannelDayTable
  reach_post_day: ReachPostDayTable
  reach_embed_day: ReachEmbedDayTable
  reach_feed_day: ReachFeedDayTable
  reach_visitor: ReachVisitorTable
  reach_salt: ReachSaltTable
  search_post: SearchPostTable
  link_preview: LinkPreviewTable
  post_link_preview: PostLinkPreviewTable
  federation_kv: FederationKvTable
  federation_cursor: FederationCursorTable
  federation_instance: FederationInstanceTable
  federation_block: FederationBlockTable
  federation_block_log: FederationBlockLogTable
  resumable_upload: ResumableUploadTable
  federation_key: FederationKeyTable
  federation_follower: FederationFollowerTable
  federation_reaction: FederationReactionTable
  federation_vote: FederationVoteTable
  federation_reply_count: FederationReplyCountTable
}

export interface MetaTable {
  key: string
  value: string
}

export interface AccountTable {
  id: string
  /** Lower-case, unique; shown as @handle. */
  handle: string
  display_name: string
  password_hash: string | null
  email: string | null
  is_admin: Generated<number>
  created_at: number
  /** The language chosen in the person's settings (src/i18n), null to follow the browser. */
  language: Generated<string | null>
  /** Set by an operator (`backlot user suspend`): no login, no token, until unsuspended. */
  suspended_at: Generated<number | null>
  /** The operator's note on why; never shown to the person or the public. */
  suspension_reason: Generated<string | null>
  /** When the person asked for deletion; null when none is pending. */
  deletion_requested_at: Generated<number | null>
  /** When the erasure job erases the account (src/erasure); null when none is pending. */
  deletion_due_at: Generated<number | null>
  /** When the account was erased: the row stays as the "former member" of its channel posts. */
  erased_at: Generated<number | null>
}

export interface SessionTable {
  /** SHA-256 of the cookie token, hex; the token itself is never stored. */
  id: string
  account_id: string
  created_at: number
  last_seen_at: number
  expires_at: number
  /** Names the session in the API (the id above never leaves the server). */
  public_id: string
  /** "Chrome on Android", from the user agent at login; null when it said nothing usable. */
  device: string | null
  /** The login address's network ("203.0.113.0/24", "2001:db8:1::/48"), never the address. */
  network: string | null
}

export type TokenScope = 'read' | 'post' | 'channel:admin'

export interface ApiTokenTable {
  id: string
  account_id: string
  name: string
  token_hash: string
  /** Space-separated TokenScope values. */
  scopes: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

export type Visibility = 'public' | 'unlisted' | 'private'
export type JoinPolicy = 'open' | 'invite' | 'request'

export interface ChannelTable {
  id: string
  slug: string
  title: string
  description: string
  visibility: Visibility
  join_policy: JoinPolicy
  /** JSON array of emoji, or null for the default set; '[]' turns reactions off. */
  reaction_set: string | null
  /** JSON object of production facts (kind, season, chapters…); null until described. */
  production: string | null
  /** Last sequence number handed out by the channel's event log. */
  last_seq: Generated<number>
  /** 1: creators' posts need an owner's or admin's approval before they are published (issue 16). */
  require_approval: Generated<number>
  archived_at: number | null
  created_at: number
  updated_at: number
  /** Set by a server operator (issue 17): the channel answers 404 everywhere; its staff see why. */
  suspended_at: Generated<number | null>
  suspension_reason: Generated<string | null>
  /** Set by a server operator: listed nowhere public, still reachable by its address. */
  hidden_at: Generated<number | null>
  /** Featured by an operator in the public directory (issue 19): featured channels list first. */
  featured_at: Generated<number | null>
}

export type Role = 'owner' | 'admin' | 'creator' | 'moderator'
export type NotifyLevel = 'all' | 'highlights' | 'none'

export interface ChannelMemberTable {
  channel_id: string
  account_id: string
  /** Staff role, or null for a fan. */
  role: Role | null
  muted: Generated<number>
  notify_level: Generated<NotifyLevel>
  joined_at: number
}

export interface ChannelBanTable {
  channel_id: string
  account_id: string
  banned_by: string
  reason: string
  created_at: number
}

export interface ChannelInviteTable {
  id: string
  channel_id: string
  token_hash: string
  created_by: string
  max_uses: number | null
  uses: Generated<number>
  expires_at: number | null
  revoked_at: number | null
  created_at: number
}

export type JoinRequestStatus = 'pending' | 'approved' | 'rejected'

export interface JoinRequestTable {
  channel_id: string
  account_id: string
  status: JoinRequestStatus
  message: string
  created_at: number
  decided_by: string | null
  decided_at: number | null
}

export interface AuditLogTable {
  id: string
  channel_id: string
  actor_id: string
  action: string
  target_account_id: string | null
  target_post_id: string | null
  /** JSON object with the action's details (old and new role, reason…). */
  details: string
  created_at: number
}

export type PostKind = 'text' | 'album' | 'poll' | 'prompt'
/** `in_review`: submitted for sign-off (issue 16); unpublished like a draft until approved. */
export type PostStatus = 'draft' | 'in_review' | 'scheduled' | 'published' | 'deleted'

export interface PostTable {
  id: string
  channel_id: string
  author_id: string
  kind: PostKind
  text: string
  status: PostStatus
  publish_at: number | null
  published_at: number | null
  edited_at: number | null
  deleted_at: number | null
  pinned_at: number | null
  spoiler: Generated<number>
  spoiler_label: string | null
  silent: Generated<number>
  idempotency_key: string | null
  /** `sha256:<hex>` of the normalised create request the key was first used with, to spot a reused key. */
  idempotency_fingerprint: string | null
  revision: Generated<number>
  created_at: number
  updated_at: number
}

export interface PostRevisionTable {
  id: string
  post_id: string
  revision: number
  editor_id: string
  /** JSON snapshot of the editable fields before the edit. */
  snapshot: string
  created_at: number
}

export interface ChannelEventTable {
  channel_id: string
  seq: number
  /** Stable id: clients, push and federation deduplicate on it (DESIGN rule 5). */
  id: string
  type: string
  post_id: string | null
  /** JSON of the event's public data. */
  data: string
  created_at: number
}

export type MediaStatus = 'processing' | 'ready' | 'failed'

/** One variant file of a media item, as stored in `media.variants` (JSON array). */
export interface MediaVariant {
  /**
   * Size class of an image or a video's poster: '320', '1080' or '2048' (long side; smaller when
   * the image is smaller). A video rendition: '480p' or '1080p' (short side); a voice note: 'voice'.
   */
  name: string
  width: number
  height: number
  format: 'webp' | 'jpeg' | 'png' | 'mp4' | 'm4a' | 'ogg'
  /** MediaStore key (content-addressed). */
  key: string
  bytes: number
}

export interface MediaTable {
  id: string
  owner_id: string
  status: MediaStatus
  /** Problem code of a failed background processing run. */
  error: string | null
  /** Detected type of the uploaded file (image/jpeg …), never the client's claim. */
  mime: string
  /** Pixel size after EXIF orientation; 0 while processing. */
  width: number
  height: number
  blurhash: string | null
  alt: string
  credit: string | null
  /** Usage rights ("Editorial use only"); typed by a person, never read from metadata. */
  rights: string | null
  spoiler: Generated<number>
  /** What a blurred image spoils ("Chapter 8"), shown on its cover. */
  spoiler_label: string | null
  /** Size of the uploaded file. */
  bytes: number
  /** Key of the re-encoded, metadata-free full-size copy; null while processing. */
  original_key: string | null
  /** JSON array of MediaVariant. */
  variants: string
  created_at: number
  ready_at: number | null
  /** Length of a video or voice note's renditions; null for an image (issue 20). */
  duration_ms: number | null
  /** A voice note's peaks for the player, JSON array of 0–100; null otherwise. */
  waveform: string | null
  /** A video's WebVTT caption tracks: JSON array of MediaCaption (issue 20). */
  captions: Generated<string>
  /** How far transcoding has come (0–1000) while `processing`, written by the node doing it. */
  progress_permille: number | null
  /** Last sign of life of the process working on a `processing` row (its lease). */
  heartbeat_at: number | null
}

/** One caption track of a video: the validated WebVTT file in the media store. */
export interface MediaCaption {
  /** BCP 47 language tag (`en`, `pt-BR`): the track's `srclang`, unique per video. */
  lang: string
  /** What the player's menu shows ("English", "Français (SDH)"). */
  label: string
  key: string
  bytes: number
}

/** An image's place in an album post; alt, credit, rights and spoiler may differ per post. */
export interface PostMediaTable {
  post_id: string
  media_id: string
  position: number
  alt: string
  credit: string | null
  rights: string | null
  spoiler: Generated<number>
  spoiler_label: string | null
}

/** One member's reaction to a post (one per member per post). */
export interface PostReactionTable {
  post_id: string
  account_id: string
  emoji: string
  created_at: number
}

export type PollResultsVisibility = 'always' | 'after-close'

/** The poll part of a poll post. */
export interface PollTable {
  post_id: string
  question: string
  /** JSON array of 2–12 option texts; an option's number is its index. */
  options: string
  multiple: number
  /** Index of the correct option of a quiz; null for an ordinary poll. */
  quiz_correct: number | null
  quiz_explanation: string | null
  results_visibility: PollResultsVisibility
  closes_at: number | null
  /** Set once, by the conditional UPDATE that also logs `poll.closed`. */
  closed_at: number | null
}

/** One member's ballot: `choices` is a bit mask of option indexes (bit i = option i). */
export interface PollBallotTable {
  post_id: string
  account_id: string
  choices: number
  voted_at: number
}

export interface PromptTable {
  post_id: string
  question: string
}

export interface PromptAnswerTable {
  id: string
  post_id: string
  account_id: string
  text: string
  created_at: number
  highlighted_at: number | null
  highlighted_by: string | null
  hidden_at: number | null
  hidden_by: string | null
}

/** A member who has seen a post (unique viewers). */
export interface PostViewTable {
  post_id: string
  account_id: string
  viewed_at: number
}

/** Approximate count of views by visitors who are not members (no address or identifier is stored). */
export interface PostAnonymousViewsTable {
  post_id: string
  views: number
}

/** A browser's Web Push subscription (one device of an account). */
export interface PushSubscriptionTable {
  id: string
  account_id: string
  /** The push service URL; unique: a browser subscription belongs to one account. */
  endpoint: string
  /** Base64url P-256 public key (65 bytes uncompressed) and auth secret (16 bytes) of the browser. */
  p256dh: string
  auth: string
  label: string | null
  expires_at: number | null
  created_at: number
  updated_at: number
  /** The browser's language when it subscribed (Accept-Language), for notifications (src/i18n). */
  language: string | null
}

export type PushFanoutReason = 'published' | 'pinned' | 'edited'

/** One notification run for a post: how many batch jobs it split into, and when the last finished. */
export interface PushFanoutTable {
  id: string
  post_id: string
  reason: PushFanoutReason
  published_at: number
  batches: number | null
  batches_done: Generated<number>
  created_at: number
  done_at: number | null
}

export type PushDeliveryStatus = 'sending' | 'sent' | 'retry' | 'failed'

/** The at-most-once claim of one (post, device); see src/push/batch.ts. */
export interface PushDeliveryTable {
  post_id: string
  subscription_id: string
  status: PushDeliveryStatus
  attempts: number
  /** The post revision this device was last sent. */
  revision: number
  updated_at: number
}

/** A post's production tags (issue 6); validated against the channel's production facts. */
export interface PostProductionTable {
  post_id: string
  channel_id: string
  week_from: number | null
  week_to: number | null
  /** JSON array of chapter numbers, ascending. */
  chapters: string
  location: string | null
  unit: string | null
}

/** A secret, expiring, revocable link showing an embargoed post to the press. */
export interface PressPreviewTable {
  id: string
  channel_id: string
  post_id: string
  /** SHA-256 of the link's secret; the secret itself is shown once. */
  token_hash: string
  label: string
  created_by: string
  expires_at: number
  revoked_at: number | null
  created_at: number
  /** How many times the link was opened (issue 16): a count and a time, nothing about who. */
  opens: Generated<number>
  last_opened_at: number | null
  /** The recipient's outlet and address (issue 19): the link is issued to one person. */
  outlet: Generated<string>
  email: string | null
}

/**
 * One recipient's link to the press kit of a post or album, or of a digest (issue 19 part 3):
 * production/press-kits.ts. Exactly one of `post_id` and `digest_id` is set (migration 0022).
 * Its images carry the link's watermark (keyed from `token_hash`).
 */
export interface PressKitTable {
  id: string
  channel_id: string
  post_id: string | null
  digest_id: string | null
  token_hash: string
  recipient: string
  outlet: string
  email: string | null
  contact: string
  usage_note: string
  created_by: string
  created_at: number
  expires_at: number
  revoked_at: number | null
  opens: Generated<number>
  last_opened_at: number | null
  downloads: Generated<number>
  last_downloaded_at: number | null
}

/** One open of a press preview link; only the latest ones are kept (production/preview-opens.ts). */
export interface PressPreviewOpenTable {
  preview_id: string
  opened_at: number
}

/** Highlights of a week or date range, with a public page and a feed item. */
export interface DigestTable {
  id: string
  channel_id: string
  title: string
  intro: string
  week_from: number | null
  week_to: number | null
  date_from: number | null
  date_to: number | null
  /** JSON array of post ids chosen by staff; null = the most reacted posts of the range, at read time. */
  post_ids: string | null
  max_posts: number
  linked_post_id: string | null
  created_by: string
  created_at: number
  updated_at: number
}

/** A file derived from a media item for use outside the app (the blurred stand-in of a spoiler). */
export interface MediaRenderingTable {
  media_id: string
  name: string
  key: string
  format: 'jpeg'
  width: number
  height: number
  bytes: number
  created_at: number
}

export type ReviewState = 'in_review' | 'withdrawn' | 'approved' | 'returned'

/** The last step of a post's sign-off (issue 16); the steps themselves are in the audit log. */
export interface PostReviewTable {
  post_id: string
  channel_id: string
  state: ReviewState
  /** The approver's comment when returned; erased with the post. */
  comment: string | null
  /** Who took the last step (the author submitting or withdrawing, the approver). */
  actor_id: string
  at: number
  /** When the post was last submitted: the review queue's order. */
  submitted_at: number
}

/** A channel's avatar: the upload it claimed (issue 5); one per channel, one channel per upload. */
export interface ChannelAvatarTable {
  channel_id: string
  media_id: string
  set_at: number
}

export type ReportTargetKind = 'post' | 'image' | 'answer' | 'channel'
export type ReportResolution = 'dismissed' | 'deleted' | 'banned' | 'suspended' | 'hidden'

/** Every report of one item, grouped (issue 17): one open case per item, `open_key` = `kind:id` while open. */
export interface ReportCaseTable {
  id: string
  channel_id: string
  target_kind: ReportTargetKind
  target_id: string
  post_id: string | null
  author_id: string | null
  open_key: string | null
  state: 'open' | 'resolved'
  resolution: ReportResolution | null
  resolved_by: string | null
  resolved_at: number | null
  report_count: number
  created_at: number
  updated_at: number
}

/** One account's report in a case; reporting the same item again updates it. */
export interface ReportTable {
  id: string
  case_id: string
  reporter_id: string
  reason: string
  comment: string
  created_at: number
  updated_at: number
}

/** The in-app notice list of an account (the outcome of its reports). */
export interface AccountNoticeTable {
  id: string
  account_id: string
  kind: string
  /** JSON object: what the notice says. */
  data: string
  created_at: number
  read_at: number | null
}

export type AccountRow = Selectable<AccountTable>
export type ChannelRow = Selectable<ChannelTable>
export type ChannelMemberRow = Selectable<ChannelMemberTable>
export type PostRow = Selectable<PostTable>
export type NewPostRow = Insertable<PostTable>
export type PostUpdate = Updateable<PostTable>
export type ChannelEventRow = Selectable<ChannelEventTable>
export type MediaRow = Selectable<MediaTable>
export type PostMediaRow = Selectable<PostMediaTable>
export type PollRow = Selectable<PollTable>
export type PromptAnswerRow = Selectable<PromptAnswerTable>
export type PushSubscriptionRow = Selectable<PushSubscriptionTable>
export type PostProductionRow = Selectable<PostProductionTable>
export type PressPreviewRow = Selectable<PressPreviewTable>
export type PressKitRow = Selectable<PressKitTable>
export type PostReviewRow = Selectable<PostReviewTable>
export type DigestRow = Selectable<DigestTable>
export type MediaRenderingRow = Selectable<MediaRenderingTable>
export type ReportCaseRow = Selectable<ReportCaseTable>
export type ReportRow = Selectable<ReportTable>
export type AccountNoticeRow = Selectable<AccountNoticeTable>

export type ExportKind = 'person' | 'channel'
export type ExportStatus = 'queued' | 'running' | 'ready' | 'failed' | 'expired'

/** One requested archive (issue 17 point 2): src/exports. */
export interface ExportJobTable {
  id: string
  account_id: string
  kind: ExportKind
  /** The exported channel; null for a person's own export. */
  channel_id: string | null
  status: ExportStatus
  items_done: Generated<number>
  items_total: Generated<number>
  /** The archive's file under the data folder's exports/; null until ready and after expiry. */
  file_name: string | null
  bytes: number | null
  error: string | null
  created_at: number
  finished_at: number | null
  expires_at: number | null
}

/** The totals an imported poll had where it was exported from (the voters are not in the archive). */
export interface PollImportedTallyTable {
  post_id: string
  voters: number
  /** JSON array of votes per option index. */
  votes: string
}
export type ExportJobRow = Selectable<ExportJobTable>

/** Reach counters (issue 19 part 5, src/reach, docs/privacy.md): per UTC day (days since the epoch). */
export interface ReachChannelDayTable {
  day: number
  channel_id: string
  page_views: Generated<number>
  bots: Generated<number>
  /** Distinct visitors of the channel's pages and embeds, written when the day is rolled up. */
  visitors: Generated<number>
}

export type ReachPostSurface = 'page' | 'embed' | 'oembed'

export interface ReachPostDayTable {
  day: number
  post_id: string
  channel_id: string
  surface: ReachPostSurface
  views: Generated<number>
  bots: Generated<number>
}

export interface ReachEmbedDayTable {
  day: number
  post_id: string
  channel_id: string
  /** The embedding site's origin only; 'direct' when the request had no Referer. */
  origin: string
  views: Generated<number>
}

export interface ReachFeedDayTable {
  day: number
  channel_id: string
  reader: string
  format: string
  fetches: Generated<number>
  subscribers: Generated<number>
}

/** Today's salted visitor hashes; deleted at the day's roll-up. */
export interface ReachVisitorTable {
  day: number
  channel_id: string
  visitor: string
}

/** Today's random salt, shared by every node; deleted at the day's roll-up. */
export interface ReachSaltTable {
  day: number
  salt: string
}

/**
 * One published post as full-text search sees it (issue 19; migration 0018, search/documents.ts).
 * The engines' own indexes (FTS5 table, tsvector columns) are not declared here: only
 * search/*-engine.ts reads them, in SQL written per dialect.
 */
export interface SearchPostTable {
  doc_id: Generated<number>
  post_id: string
  channel_id: string
  author_id: string
  kind: PostKind
  published_at: number
  is_spoiler: number
  spoiler_label: string | null
  has_link: number
  week_from: number | null
  week_to: number | null
  /** ',8,9,' (chapter numbers between commas). */
  chapters: string
  location: string | null
  unit: string | null
  /** Text anyone who may read the channel may match. */
  open_text: string
  /** Text only members may match: a spoiler post's text, spoiler images' alt text. */
  hidden_text: string
  /** Production tags in words ("week 11 … chapter 8 Finale location Bilbao"). */
  tags_text: string
  /**
   * When the spoilers of a post with hidden text lift by the channel's auto-lift rule (the latest
   * air date of its chapters, reads/rules.ts spoilerLiftsAt); from then on its hidden text is open
   * to everyone. Null: never by itself. Kept current when the production changes (migration 0023).
   */
  lifts_at: number | null
}

/** What a linked page said, cached by URL (src/link-previews, issue 18 part 4). */
export interface LinkPreviewTable {
  url: string
  status: 'ready' | 'failed'
  title: string | null
  description: string | null
  site_name: string | null
  /** The page's image, re-hosted through the media pipeline; null when it had none or it failed. */
  image_media_id: string | null
  fetched_at: number
  /** After this the URL is fetched again when a post links it. */
  expires_at: number
}
export type LinkPreviewRow = Selectable<LinkPreviewTable>

/** A post's preview link (its first URL), or its creator's removal of it. */
export interface PostLinkPreviewTable {
  post_id: string
  url: string
  is_removed: Generated<number>
  created_at: number
}

/** Per channel, the event-log sequence federation delivery is enqueued through (federation/delivery-cursor.ts). */
export interface FederationCursorTable {
  channel_id: string
  seq: number
}

/** Fedify's key–value store (src/federation/infra/kv-store.ts). */
export interface FederationKvTable {
  /** URI-encoded key segments joined by `/`. */
  key: string
  /** JSON with object keys sorted, so equal values have equal text (compare-and-swap). */
  value: string
  /** Epoch ms after which the entry is gone; null: no expiry. */
  expires_at: number | null
}

export type InstanceState = 'healthy' | 'failing' | 'dead'

/** Delivery health of one remote host (src/federation/infra/delivery-health.ts). */
export interface FederationInstanceTable {
  host: string
  state: InstanceState
  consecutive_failures: Generated<number>
  first_failure_at: number | null
  last_failure_at: number | null
  last_success_at: number | null
  last_status: number | null
  last_error: string | null
  dead_since: number | null
  /** While dead: when the next real delivery attempt (the probe) may go out. */
  next_probe_at: number | null
}
export type FederationInstanceRow = Selectable<FederationInstanceTable>

/** An instance the operator blocked, with its subdomains (src/federation/infra/blocks.ts). */
export interface FederationBlockTable {
  domain: string
  reason: string
  blocked_by: string | null
  created_at: number
}
export type FederationBlockRow = Selectable<FederationBlockTable>

/** Audit trail of blocks and unblocks. */
export interface FederationBlockLogTable {
  id: string
  domain: string
  action: 'blocked' | 'unblocked'
  actor_id: string | null
  reason: string
  created_at: number
}

export type ResumableUploadStatus = 'receiving' | 'processing' | 'done' | 'failed'

/** A tus upload in progress or finished (issue 20 part 1), bound to its account and channel. */
export interface ResumableUploadTable {
  /** Server-generated (32 hex digits); the last segment of the upload URL. */
  id: string
  account_id: string
  channel_id: string
  /** Upload-Length: the whole file's size, checked against BACKLOT_VIDEO_MAX_BYTES at creation. */
  length: number
  /** JSON of the media fields from Upload-Metadata: alt, credit, rights, spoiler, spoilerLabel. */
  fields: string
  status: ResumableUploadStatus
  /** The media row the completed upload became. */
  media_id: string | null
  /** Problem code when processing refused the file. */
  error: string | null
  created_at: number
  /** Unfinished past this, the sweep deletes row and bytes. */
  expires_at: number
}
export type ResumableUploadRow = Selectable<ResumableUploadTable>

/** A channel actor's key pair (migration 0027, docs/federation.md); the private JWK is never served. */
export interface FederationKeyTable {
  channel_id: string
  algorithm: 'rsa' | 'ed25519'
  public_jwk: string
  private_jwk: string
  created_at: number
}

/** A remote actor following a channel (`accepted`) or asking to (`pending`, request-only channels). */
export interface FederationFollowerTable {
  channel_id: string
  actor_id: string
  status: 'accepted' | 'pending'
  /** The Follow activity's id, which the Accept or Reject names. */
  follow_id: string
  inbox: string
  shared_inbox: string | null
  /** `@user@host`, for the owner's list. */
  handle: string
  name: string | null
  created_at: number
  updated_at: number
}

export type FederationFollowerRow = Selectable<FederationFollowerTable>

/** A remote Like or EmojiReact, once per remote actor per post, mapped to the channel's set. */
export interface FederationReactionTable {
  post_id: string
  actor_id: string
  channel_id: string
  emoji: string
  activity_id: string
  created_at: number
}

/** A remote actor's ballot on a poll: bit i = option i (as poll_ballot). */
export interface FederationVoteTable {
  post_id: string
  actor_id: string
  channel_id: string
  choices: number
  created_at: number
}

/** How many remote replies a post received (not stored: the channel is one-way). */
export interface FederationReplyCountTable {
  post_id: string
  channel_id: string
  replies: number
}
