import { useEffect, useRef } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { fullTime, relativeTime } from '../app/format.js'
import { t } from '../app/i18n.js'
import type { Post, Visibility } from '../app/types.js'
import { Album } from './Album.js'
import { Link } from './Link.js'
import { LinkPreviewCard } from './LinkPreviewCard.js'
import { PollView } from './PollView.js'
import { PostText } from './PostText.js'
import { ProductionTags } from './ProductionTags.js'
import { PromptView } from './PromptView.js'
import { Reactions } from './Reactions.js'
import { ShareButton } from './ShareButton.js'
import { SpoilerCover } from './SpoilerCover.js'
import './post.css'

export interface PostCardProps {
  post: Post
  /** A member may react, vote and answer. */
  canInteract: boolean
  /** Staff get a link to the post's staff view. */
  isStaff?: boolean
  onChange?: (p: Post) => void
  /** Preview in the composer: nothing is sent, reveals are not remembered. */
  preview?: boolean
  /** The channel's name for a chapter ("Episode"), for the production tags. */
  chapterLabel?: string
  /** The channel's visibility: a private channel's posts have no public page to share. */
  visibility?: Visibility
  /** Staff in the post editor: a remove button on the link preview. */
  onRemovePreview?: () => void
}

const counted = new Set<string>()

/** Counts one view per post per page session once half of it has been on screen. */
function useViewCounter(post: Post, enabled: boolean) {
  const ref = useRef<HTMLElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!enabled || !el || counted.has(post.id) || typeof IntersectionObserver === 'undefined') return
    const io = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting) || counted.has(post.id)) return
        counted.add(post.id)
        io.disconnect()
        api.post(channelPath(post.channel, `/posts/${encodeURIComponent(post.id)}/views`)).catch(() => {
          counted.delete(post.id) // not counted: try again next time it scrolls into view
        })
      },
      { threshold: 0.5 },
    )
    io.observe(el)
    return () => io.disconnect()
  }, [post.id, enabled])
  return ref
}

export function PostCard(props: PostCardProps) {
  const { post } = props
  const onChange = props.onChange ?? (() => {})
  const ref = useViewCounter(post, !props.preview)
  const interact = props.canInteract && !props.preview
  const body = (
    <>
      <PostText post={post} />
      {post.linkPreview && <LinkPreviewCard preview={post.linkPreview} onRemove={props.onRemovePreview} />}
      {post.media && post.media.length > 0 && (
        <Album media={post.media} spoilerLabel={post.spoilerLabel} remember={!props.preview} />
      )}
      {post.poll && <PollView post={post} canVote={interact} onChange={onChange} />}
      {post.prompt && <PromptView post={post} canAnswer={interact} onChange={onChange} />}
    </>
  )
  return (
    <article
      class="card post"
      ref={ref}
      data-post-id={post.id}
      aria-label={t('postCard.by', { name: post.author.displayName })}
    >
      <header>
        {post.pinned && <span class="pin">📌 {t('postCard.pinned')}</span>}
        <span class="author">{post.author.displayName}</span>
        <time dateTime={post.publishedAt ?? undefined} title={fullTime(post.publishedAt)}>
          {props.preview ? t('postCard.nowPreview') : relativeTime(post.publishedAt)}
        </time>
        {post.editedAt && <span title={fullTime(post.editedAt)}>· {t('postCard.edited')}</span>}
        {/* Whether a post notified anyone is the team's business, not the fans'. */}
        {post.silent && props.isStaff && <span>· {t('postCard.silent')}</span>}
        {props.isStaff && !props.preview && (
          <Link
            class="small"
            href={`/app/studio/${encodeURIComponent(post.channel)}/p/${encodeURIComponent(post.id)}`}
          >
            {t('postCard.manage')}
          </Link>
        )}
      </header>
      {post.spoiler ? (
        <SpoilerCover postId={post.id} label={post.spoilerLabel} remember={!props.preview}>
          {body}
        </SpoilerCover>
      ) : (
        body
      )}
      <ProductionTags post={post} chapterLabel={props.chapterLabel} />
      <div class="post-footer row">
        <Reactions post={post} canReact={interact} onChange={onChange} />
        <span class="spacer" />
        {post.views !== undefined && (
          <span class="muted small">{t('postCard.views', { count: post.views })}</span>
        )}
        {!props.preview && post.status === 'published' && (
          <ShareButton post={post} visibility={props.visibility} />
        )}
      </div>
    </article>
  )
}
