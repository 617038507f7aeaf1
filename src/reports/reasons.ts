/** Why someone reports an item: a fixed list, so the queue can tally reasons (issue 17). */
export const REPORT_REASONS = [
  'spam',
  'harassment',
  'hate',
  'violence',
  'sexual',
  'spoiler',
  'impersonation',
  'other',
] as const
export type ReportReason = (typeof REPORT_REASONS)[number]

/** An optional comment: enough for "it's the leaked finale script", short enough to read in a queue. */
export const COMMENT_MAX = 500

/** Comments shown per case in a queue (the newest); the tally counts them all. */
export const COMMENTS_SHOWN = 5
