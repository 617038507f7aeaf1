import { t } from '../app/i18n.js'
import type { LinkPreview } from '../app/types.js'

/**
 * The card of a post's first link (issue 18): title, description, site and the image this server
 * re-hosted. Everything in it comes from another site: Preact escapes it as text, and the link
 * tells browsers and search engines not to trust it (rel="noopener nofollow ugc"). Staff get a
 * remove button (the post editor) when `onRemove` is given.
 */
export function LinkPreviewCard({ preview, onRemove }: { preview: LinkPreview; onRemove?: () => void }) {
  const host = hostOf(preview.url)
  return (
    <div class="link-preview">
      <a class="link-preview-card" href={preview.url} rel="noopener nofollow ugc" target="_blank">
        {preview.image && (
          <img
            src={preview.image.url}
            width={preview.image.width}
            height={preview.image.height}
            alt=""
            loading="lazy"
          />
        )}
        <span class="link-preview-text">
          <span class="link-preview-site">{preview.siteName ?? host}</span>
          {preview.title && <strong>{preview.title}</strong>}
          {preview.description && <span class="link-preview-description">{preview.description}</span>}
        </span>
      </a>
      {onRemove && (
        <button type="button" class="small" onClick={onRemove}>
          {t('linkPreview.remove')}
        </button>
      )}
    </div>
  )
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}
