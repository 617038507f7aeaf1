import { linkParts } from '../app/format.js'
import type { Post } from '../app/types.js'

/** Plain text with the server's links made clickable. Never HTML: Preact escapes every part. */
export function PostText({ post }: { post: Pick<Post, 'text' | 'links'> }) {
  if (!post.text) return null
  return (
    <p class="post-text">
      {linkParts(post.text, post.links).map((part, i) =>
        'url' in part ? (
          <a key={i} href={part.url} rel="noopener noreferrer nofollow ugc" target="_blank">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </p>
  )
}
