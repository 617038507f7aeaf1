import { t } from '../app/i18n.js'
import { tagsOf } from '../app/tags.js'
import type { Post } from '../app/types.js'
import { Link } from './Link.js'

/**
 * A post's production tags (filming weeks, chapters, location, unit) as links: weeks to that week
 * on the channel's timeline, the others to the channel's posts with the same tag.
 */
export function ProductionTags(props: { post: Post; chapterLabel?: string }) {
  const tags = tagsOf(props.post, props.chapterLabel)
  if (tags.length === 0) return null
  return (
    <ul class="tags" aria-label={t('tags.label')}>
      {tags.map((tag) => (
        <li key={`${tag.kind}:${tag.label}`} data-tag={tag.kind}>
          <Link href={tag.href} aria-label={`${t(`tags.kind.${tag.kind}`)}: ${tag.label}`}>
            {tag.label}
          </Link>
        </li>
      ))}
    </ul>
  )
}
