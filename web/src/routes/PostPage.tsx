import { useEffect, useState } from 'preact/hooks'
import { ApiError, api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { me } from '../app/session.js'
import type { Channel, Post } from '../app/types.js'
import { ErrorBox } from '../components/ErrorBox.js'
import { Link } from '../components/Link.js'
import { PostCard } from '../components/PostCard.js'
import { ReportButton, type ReportTarget } from '../components/ReportButton.js'

const STAFF = new Set(['owner', 'admin', 'creator', 'moderator'])

/** One post in the app (`/app/c/{slug}/p/{id}`): where the timeline's posts and private shares lead. */
export function PostPage({ slug, id }: { slug: string; id: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [post, setPost] = useState<Post | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    Promise.all([
      api.get<Channel>(channelPath(slug)),
      api.get<Post>(channelPath(slug, `/posts/${encodeURIComponent(id)}`)),
    ]).then(([c, p]) => {
      setChannel(c)
      setPost(p)
      document.title = `${c.title} · Backlot`
    }, setError)
  }, [slug, id])

  const back = (
    <p class="small">
      <Link href={`/app/c/${encodeURIComponent(slug)}`}>← {channel?.title ?? t('post.channel')}</Link>
    </p>
  )
  if (error) {
    return (
      <main id="main" class="stack">
        {back}
        <h1>
          {error instanceof ApiError && error.status === 404 ? t('post.notFound') : t('post.loadFailed')}
        </h1>
        <ErrorBox error={error} />
      </main>
    )
  }
  if (!channel || !post) {
    return (
      <main id="main" aria-busy="true">
        <p class="muted">{t('common.loading')}</p>
      </main>
    )
  }
  return (
    <main id="main" class="stack">
      {back}
      <h1 class="visually-hidden">{t('post.heading', { channel: channel.title })}</h1>
      <PostCard
        post={post}
        canInteract={!!channel.viewer?.isMember}
        isStaff={STAFF.has(channel.viewer?.role ?? '')}
        onChange={setPost}
        chapterLabel={channel.production?.chapterLabel}
        visibility={channel.visibility}
      />
      {me.value && (
        <p class="small report-row">
          <ReportButton slug={slug} targets={reportTargets(post)} />
        </p>
      )}
    </main>
  )
}

/** What a reader can report from a post's page: the post, each photo, each highlighted answer. */
function reportTargets(post: Post): ReportTarget[] {
  return [
    { kind: 'post', postId: post.id, label: t('reports.targets.post') },
    ...(post.media ?? []).map((m, i) => ({
      kind: 'image' as const,
      postId: post.id,
      mediaId: m.id,
      label: t('reports.targets.image', { n: i + 1 }),
    })),
    ...(post.prompt?.highlighted ?? []).map((a) => ({
      kind: 'answer' as const,
      postId: post.id,
      answerId: a.id,
      label: t('reports.targets.answer', { name: a.author.displayName }),
    })),
  ]
}
