/** A spoiler label says what an image spoils ("Chapter 8"); the same limit as a post's label. */
export const IMAGE_SPOILER_LABEL_MAX = 60

export interface ImageSpoiler {
  spoiler: boolean
  label: string | null
}

/**
 * An image's spoiler flag and label after a change, by the rule a post's follow (posts/history.ts):
 * a label alone marks the image a spoiler, `spoiler: false` drops the label, and a field left out
 * (undefined) keeps its current value. Used for uploads, media edits and album items alike, so an
 * image can never carry a label without being blurred.
 */
export function nextImageSpoiler(
  current: ImageSpoiler,
  change: { spoiler?: boolean | undefined; label?: string | null | undefined },
): ImageSpoiler {
  const label = change.label === undefined ? current.label : change.label
  const spoiler = change.spoiler ?? (change.label != null ? true : current.spoiler)
  return { spoiler, label: spoiler ? label : null }
}
