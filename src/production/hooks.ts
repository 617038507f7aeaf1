import { productionOf } from '../channels/index.js'
import type { DbOrTx } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import { type PostHooks, releaseFields } from '../posts/index.js'
import { decideSpoiler } from '../reads/index.js'
import type { Clock } from '../util/clock.js'
import type { ProductionTagsInput } from './schemas.js'
import { erasePostProduction, saveTags, tagsByPost } from './store.js'
import { cleanTags, tagLabels, toTagsView } from './tags.js'

/**
 * The production area's part of posts (PostHooks): a new post's tags (`insertFields`, validated
 * against the channel's facts), and in the post view `production` tags, `publishAt` /
 * `publishedLate`, and the spoiler auto-lift — decided by reads/rules.ts, the same rule pages,
 * feeds and embeds apply, so the app and the public surfaces agree; for the public surfaces, the
 * tags and their labels (`hydratePublic`).
 */
export function createProductionHooks({ clock }: { clock: Clock }): PostHooks {
  return {
    insertFields: (tx, post, input) => saveNewPostTags(tx, post.channel, post.id, input.production),
    async erase(tx, post) {
      await erasePostProduction(tx, post.id)
      return undefined
    },
    async hydrate(db, access, posts, views) {
      const tags = await tagsByPost(
        db,
        posts.map((p) => p.id),
      )
      const production = productionOf(access.channel)
      const now = clock.now()
      posts.forEach((post, i) => {
        const view = views[i]!
        const tagView = toTagsView(tags.get(post.id))
        Object.assign(view, { production: tagView }, releaseFields(post))
        const media = (view as { media?: { spoiler?: boolean }[] }).media ?? []
        const decision = decideSpoiler(
          {
            isSpoiler: view.spoiler,
            label: view.spoilerLabel,
            imageSpoilers: media.map((m) => m.spoiler === true),
            chapters: tagView?.chapters ?? [],
          },
          production,
          now,
        )
        if (decision.liftedAt === null) return
        view.spoiler = false
        view.spoilerLabel = null
        for (const m of media) Object.assign(m, { spoiler: false, spoilerLabel: null })
        Object.assign(view, { spoilerLiftedAt: new Date(decision.liftedAt).toISOString() })
      })
    },
    async hydratePublic(db, channel, posts, parts, language) {
      const tags = await tagsByPost(
        db,
        posts.map((p) => p.id),
      )
      const production = productionOf(channel)
      posts.forEach((post, i) => {
        const tagView = toTagsView(tags.get(post.id))
        Object.assign(parts[i]!, { tags: tagView, tagLabels: tagLabels(production, tagView, language) })
      })
    },
  }
}

/** Validates and stores the tags of a post being created (inside its transaction). */
async function saveNewPostTags(
  tx: DbOrTx,
  channel: ChannelRow,
  postId: string,
  input: ProductionTagsInput | undefined,
): Promise<void> {
  if (!input) return
  await saveTags(tx, channel.id, postId, cleanTags(input, productionOf(channel)))
}
