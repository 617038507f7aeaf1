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
    <ul class="tags" aria-label="Production tags">
      {tags.map((t) => (
        <li key={`${t.kind}:${t.label}`} data-tag={t.kind}>
          <Link href={t.href} aria-label={`${KIND[t.kind]}: ${t.label}`}>
            {t.label}
          </Link>
        </li>
      ))}
    </ul>
  )
}

const KIND = { week: 'Filming', chapter: 'Story', location: 'Location', unit: 'Unit' } as const
