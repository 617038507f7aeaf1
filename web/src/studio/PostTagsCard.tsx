import { useEffect, useState } from 'preact/hooks'
import { api, channelPath } from '../app/api.js'
import { t } from '../app/i18n.js'
import { useAction } from '../app/use-action.js'
import { ErrorBox } from '../components/ErrorBox.js'
import type { Production, StudioPost } from './studio-types.js'
import { TagsFields } from './TagsFields.js'
import { type TagsDraft, tagsBody, toTagsDraft } from './tags.js'

/**
 * A published post's production tags, for fixing a wrong week or chapter afterwards
 * (`PUT`/`DELETE …/posts/{id}/production`; fans see the change live as `post.edited`).
 */
export function PostTagsCard({
  slug,
  path,
  post,
  onSaved,
}: {
  slug: string
  path: string
  post: StudioPost
  onSaved: (p: StudioPost) => void
}) {
  const [production, setProduction] = useState<Production | null>(null)
  const [tags, setTags] = useState<TagsDraft>(() => toTagsDraft(post.production))
  const [saved, setSaved] = useState(false)
  const action = useAction()
  useEffect(() => {
    api.get<{ production: Production | null }>(channelPath(slug, '/production')).then(
      (r) => setProduction(r.production),
      (e: unknown) => action.setError(e),
    )
  }, [slug])

  const save = async (e: Event) => {
    e.preventDefault()
    setSaved(false)
    const body = tagsBody(tags)
    const ok = await action.run(async () =>
      onSaved(
        body
          ? await api.put<StudioPost>(`${path}/production`, body)
          : await api.delete<StudioPost>(`${path}/production`),
      ),
    )
    setSaved(ok)
  }
  return (
    <form class="card" onSubmit={save} aria-labelledby="post-tags-title">
      <h2 id="post-tags-title">{t('tags.label')}</h2>
      <TagsFields production={production} value={tags} onChange={setTags} idPrefix="post-tags" />
      <ErrorBox error={action.error} title={t('studio.composer.notSaved')} />
      {saved && (
        <p role="status" class="small ok-text">
          {t('studio.staff.tagsSaved')}
        </p>
      )}
      <button type="submit" class="primary" disabled={action.busy}>
        {t('studio.staff.saveTags')}
      </button>
    </form>
  )
}
