import { assertNotArchived, requirePermission, requireReadableChannel } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { PostUpdate } from '../db/schema.js'
import { newId } from '../util/ids.js'
import { assertMayModify, lockVisiblePost, requireVisiblePost } from './guards.js'
import {
  type AfterCommit,
  hydrateViews,
  prepareEdits,
  publicAccess,
  runPublished,
  snapshotParts,
  type WriteContext,
} from './hooks.js'
import type { EditPostInput, PostViewData, RevisionSnapshotData, RevisionViewData } from './schemas.js'
import type { PostServiceDeps } from './service.js'
import { findPost, insertRevision, listRevisions, updatePost } from './store.js'
import { cleanEditedText, cleanSpoilerLabel } from './text.js'
import { type PostRecord, toPostView, toSnapshot } from './views.js'

/**
 * The editable fields after applying `input` to `post`. Same rules as creation: a new label marks
 * the post as a spoiler, and a post that is not a spoiler carries no label.
 */
function nextFields(post: PostRecord, input: EditPostInput): RevisionSnapshotData {
  const current = toSnapshot(post)
  const label =
    input.spoilerLabel === undefined ? current.spoilerLabel : cleanSpoilerLabel(input.spoilerLabel)
  const spoiler = input.spoiler ?? (input.spoilerLabel != null && label !== null ? true : current.spoiler)
  return {
    text: input.text === undefined ? current.text : cleanEditedText(input.text, post.kind),
    spoiler,
    spoilerLabel: spoiler ? label : null,
    silent: input.silent ?? current.silent,
  }
}

function sameFields(a: RevisionSnapshotData, b: RevisionSnapshotData): boolean {
  return (
    a.text === b.text && a.spoiler === b.spoiler && a.spoilerLabel === b.spoilerLabel && a.silent === b.silent
  )
}

/** Applies the area parts of an edit (an album's images…); did any of them change something? */
async function editParts(
  edits: ReturnType<typeof prepareEdits>,
  tx: DbOrTx,
  post: PostRecord,
  context: WriteContext,
): Promise<{ changed: boolean; afterCommit: AfterCommit[] }> {
  let changed = false
  const afterCommit: AfterCommit[] = []
  for (const { hook, plan } of edits) {
    const result = await hook.edit?.(tx, post, plan, context)
    if (result?.changed) changed = true
    if (result?.afterCommit) afterCommit.push(result.afterCommit)
  }
  return { changed, afterCommit }
}

/**
 * Edits a post's text, spoiler or silent flag, and the parts other areas let edit (an album's
 * images, their order, alt text, credit and spoiler flags). The previous editable state is kept as
 * a history row (revision = the number the post had before; the snapshot includes an album's media
 * list), `revision` and `edited_at` move on, and `post.edited` (data: the new view) is appended in
 * the same transaction. Concurrent edits of one post are serialised by the post's row lock, so no
 * edit is lost from the history. An edit that changes nothing records nothing and returns the post
 * as it is.
 */
export async function editPost(
  deps: PostServiceDeps,
  actorId: string,
  slug: string,
  postId: string,
  input: EditPostInput,
): Promise<PostViewData> {
  const { db, clock, eventLog } = deps
  const hooks = deps.hooks ?? []
  const access = await requireReadableChannel(db, slug, actorId)
  assertNotArchived(access)
  const channel = access.channel
  const edits = prepareEdits(hooks, input)
  const { view, afterCommit } = await eventLog.transact(async (tx, append) => {
    const post = await lockVisiblePost(tx, access, postId)
    assertMayModify(access, post, 'post.edit-own', 'post.edit-any')
    const before: RevisionSnapshotData = { ...toSnapshot(post), ...(await snapshotParts(hooks, tx, post)) }
    const after = nextFields(post, input)
    const now = clock.now()
    const parts = await editParts(edits, tx, post, { actorId, now })
    if (sameFields(before, after) && !parts.changed) {
      const [current] = await hydrateViews(hooks, tx, access, [post], [toPostView(post, channel.slug)])
      return { view: current!, afterCommit: [] }
    }
    await insertRevision(tx, {
      id: newId(),
      post_id: post.id,
      revision: post.revision,
      editor_id: actorId,
      snapshot: JSON.stringify(before),
      created_at: now,
    })
    const changes: PostUpdate = {
      text: after.text,
      spoiler: after.spoiler ? 1 : 0,
      spoiler_label: after.spoilerLabel,
      silent: after.silent ? 1 : 0,
      revision: post.revision + 1,
      edited_at: now,
      updated_at: now,
    }
    await updatePost(tx, post.id, changes)
    const record = (await findPost(tx, channel.id, post.id))!
    // Event data is the same for every subscriber: the public view (album, polls, counts…) of the post.
    const [edited] = await hydrateViews(
      hooks,
      tx,
      publicAccess(access),
      [record],
      [toPostView(record, channel.slug)],
    )
    // Edits of a draft or scheduled post stay unannounced: no event may name an embargoed post.
    if (record.status === 'published') {
      await runPublished(hooks, tx, record)
      await append({
        channelId: channel.id,
        channelSlug: channel.slug,
        type: 'post.edited',
        postId: post.id,
        data: edited,
      })
    }
    return { view: edited!, afterCommit: parts.afterCommit }
  })
  for (const work of afterCommit) await work()
  return view
}

/**
 * A post's earlier versions, newest first, for staff holding post.read-history. A deleted post has
 * no history left (deletion erases it with the text).
 */
export async function postHistory(
  { db }: PostServiceDeps,
  actorId: string,
  slug: string,
  postId: string,
): Promise<RevisionViewData[]> {
  const access = await requirePermission(db, slug, actorId, 'post.read-history')
  const post = await requireVisiblePost(db, access, postId)
  const rows = await listRevisions(db, post.id)
  return rows.map((r) => ({
    revision: r.revision,
    editor: { handle: r.editor_handle, displayName: r.editor_display_name },
    snapshot: JSON.parse(r.snapshot) as RevisionSnapshotData,
    createdAt: new Date(r.created_at).toISOString(),
  }))
}
