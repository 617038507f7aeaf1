import { useEffect, useState } from 'preact/hooks'
import { t } from '../app/i18n.js'
import type { Post, Visibility } from '../app/types.js'

/**
 * Share a post: the system share sheet (Web Share API) where the browser has one, else the link is
 * copied to the clipboard with a visible confirmation; if even that is refused, the link is shown
 * selected for copying by hand. The link is the public post page `/c/{slug}/p/{id}` (readable
 * without the app or an account); a private channel has none, so its link is the app's.
 */
export function ShareButton(props: { post: Post; visibility?: Visibility }) {
  const { post } = props
  const [status, setStatus] = useState<'copied' | 'manual' | null>(null)
  const url = shareUrl(post, props.visibility)
  useEffect(() => {
    if (status !== 'copied') return
    const timer = setTimeout(() => setStatus(null), 4000)
    return () => clearTimeout(timer)
  }, [status])

  const share = async () => {
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: t('postCard.by', { name: post.author.displayName }), url })
        return
      } catch (e) {
        if (e instanceof DOMException && e.name === 'AbortError') return // the reader closed the sheet
        // Not allowed here (no user activation, unsupported data): fall back to copying.
      }
    }
    try {
      await navigator.clipboard.writeText(url)
      setStatus('copied')
    } catch {
      setStatus('manual')
    }
  }

  return (
    <span class="share">
      <button type="button" class="small" onClick={share}>
        {t('share.share')}
      </button>
      <span role="status" class="small share-status">
        {status === 'copied' && t('share.copied')}
      </span>
      {status === 'manual' && (
        <input
          class="share-link"
          type="text"
          readOnly
          value={url}
          aria-label={t('share.link')}
          ref={(el) => el?.select()}
        />
      )}
    </span>
  )
}

export function shareUrl(post: Pick<Post, 'channel' | 'id'>, visibility?: Visibility): string {
  const slug = encodeURIComponent(post.channel)
  const id = encodeURIComponent(post.id)
  const path = visibility === 'private' ? `/app/c/${slug}/p/${id}` : `/c/${slug}/p/${id}`
  return new URL(path, window.location.origin).href
}
