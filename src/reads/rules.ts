import { type ChannelAccess, chaptersPhrase, dateToMs, type ProductionViewData } from '../channels/index.js'
import type { ChannelRow, PostStatus } from '../db/schema.js'
import { DEFAULT_LANGUAGE, type Language, translator } from '../i18n/index.js'
import { canSeePost, publicAccess } from '../posts/index.js'

/**
 * The rules every read outside the app applies — public pages, feeds, oEmbed, embeds, timeline,
 * digests, press previews — and that the API's post view applies too (production hook): embargo
 * and spoilers are decided here and nowhere else (STYLE rule 17).
 */

/**
 * Embargo: may an anonymous reader see this post? Published only — drafts, scheduled (embargoed)
 * and deleted posts are not there at all. Delegates to the posts area's visibility rule, so the
 * API and every public surface answer the same.
 */
export function isPubliclyVisible(channel: ChannelRow, post: { status: PostStatus }): boolean {
  const anonymous: ChannelAccess = publicAccess({
    channel,
    accountId: null,
    membership: null,
    role: null,
    isBanned: false,
  })
  return canSeePost(anonymous, post)
}

/** Spoiler auto-lift happens this long after the start (00:00 UTC) of the latest air date. */
export const LIFT_AFTER_AIR_DATE_MS = 36 * 3_600_000

/**
 * When a spoiler post lifts by itself, or null if it never does. The rule (issue 6 item 7): only
 * in channels whose production sets `autoLiftSpoilers`, only for posts tagged with chapters, and
 * only once EVERY tagged chapter has an air date; then at 12:00 UTC on the day after the latest
 * of those air dates — by then that day has ended in every time zone (UTC−12 included).
 */
export function spoilerLiftsAt(
  production: ProductionViewData | null,
  chapters: readonly number[],
): number | null {
  if (!production?.autoLiftSpoilers || chapters.length === 0) return null
  let latest = Number.NEGATIVE_INFINITY
  for (const n of chapters) {
    const airDate = production.chapters[n - 1]?.airDate
    const ms = airDate ? dateToMs(airDate) : null
    if (ms === null) return null
    latest = Math.max(latest, ms)
  }
  return latest + LIFT_AFTER_AIR_DATE_MS
}

export interface SpoilerFacts {
  /** The post's own spoiler flag. */
  isSpoiler: boolean
  label: string | null
  /** Per image: marked spoiler in the album (post_media) or on the media itself. */
  imageSpoilers: readonly boolean[]
  /** Chapters the post is tagged with. */
  chapters: readonly number[]
}

export interface SpoilerDecision {
  /** The post's text is hidden outside the app's tap-to-reveal. */
  isPostSpoiler: boolean
  label: string | null
  /** "Contains spoilers for Chapter 8" (or "Contains spoilers"); null when nothing is hidden. */
  note: string | null
  /** Per image: shown only as the blurred rendering. A spoiler post hides every image. */
  imageSpoilers: boolean[]
  /** Set when the spoiler(s) lifted by the auto-lift rule. */
  liftedAt: number | null
}

/** Applies the spoiler rules to one post at time `now`; the note is in `language`. */
export function decideSpoiler(
  facts: SpoilerFacts,
  production: ProductionViewData | null,
  now: number,
  language: Language = DEFAULT_LANGUAGE,
): SpoilerDecision {
  const anything = facts.isSpoiler || facts.imageSpoilers.some(Boolean)
  const liftsAt = anything ? spoilerLiftsAt(production, facts.chapters) : null
  if (liftsAt !== null && now >= liftsAt) {
    return {
      isPostSpoiler: false,
      label: null,
      note: null,
      imageSpoilers: facts.imageSpoilers.map(() => false),
      liftedAt: liftsAt,
    }
  }
  const note = !anything
    ? null
    : facts.chapters.length > 0
      ? translator().t(language, 'labels:containsSpoilersFor', {
          chapters: chaptersPhrase(production, facts.chapters, language),
        })
      : translator().t(language, 'labels:containsSpoilers')
  return {
    isPostSpoiler: facts.isSpoiler,
    label: facts.isSpoiler ? facts.label : null,
    note,
    imageSpoilers: facts.imageSpoilers.map((s) => s || facts.isSpoiler),
    liftedAt: null,
  }
}
