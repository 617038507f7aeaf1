/**
 * Limits of the interactions area, in one place so schemas, services and docs agree. Poll limits
 * follow Telegram's (2–12 options, 300-character question, 200-character quiz explanation).
 */
export const limits = {
  questionMax: 300,
  optionsMin: 2,
  optionsMax: 12,
  optionMax: 100,
  explanationMax: 200,
  answerMax: 500,
  /** Latest closing time a poll may be given, from now. */
  pollMaxOpenMs: 366 * 86_400_000,
  /** Highlighted answers shown on a post, newest highlight first. */
  highlightsShown: 20,
  /** Reactors listed per emoji in the staff stats (the full list is paginated). */
  statsReactors: 20,
} as const

/**
 * Live counts (live-counts.ts). A node sends at most one `counts` frame per channel per
 * `countsIntervalMs` (so at most one per post per second); writers batch their "this post changed"
 * markers for `markerDelayMs` before putting them on the bus.
 */
export const liveCounts = {
  countsIntervalMs: 1000,
  markerDelayMs: 50,
  /** Posts per counts frame; more dirty posts wait for the next frame. */
  postsPerFrame: 50,
} as const
